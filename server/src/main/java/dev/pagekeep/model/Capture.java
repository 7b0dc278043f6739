package dev.pagekeep.model;

import java.util.List;

/**
 * One archived response, Wayback-style: a URL at a timestamp. Pages and their requisites are
 * both captures; only pages are listed as snapshots. The body is stored raw (as the server
 * sent it) in the blob store under {@code digest}; rewriting for replay happens on the way out.
 *
 * @param kind        {@code page} (a snapshot people asked for) or {@code resource} (a requisite)
 * @param headers     response headers as "Name: value" lines
 * @param digest      SHA-256 of the raw body, hex (key in the blob store)
 * @param size        raw body length in bytes
 * @param textDigest  blob digest of the extracted text (pages), for search and diff; may be null
 * @param resources   capture ids ("urlKey/timestamp") stored with this page, deleted with it
 * @param source      how it was asked for: toolbar, context-menu, links-on-page, api, import, cli, ui, requisite
 * @param tags        the save's labels (bookmark folders on import), kept with the snapshot so a
 *                    rebuilt search index still finds them; null in archives from before tags were kept
 */
public record Capture(
    String urlKey, String url, String timestamp, String kind, int status, String contentType,
    String finalUrl, List<String> headers, String digest, long size, String title,
    String textDigest, List<String> resources, String source, List<String> tags) {

  public static final String PAGE = "page";
  public static final String RESOURCE = "resource";

  public String id() { return urlKey + "/" + timestamp; }

  public String hashUrl() { return urlKey.substring(0, UrlKeys.HASH_URL_LENGTH); }

  public boolean isPage() { return PAGE.equals(kind); }

  /** The tags, never null. */
  public List<String> tagList() { return tags == null ? List.of() : tags; }

  public Capture withTimestamp(String ts) {
    return new Capture(urlKey, url, ts, kind, status, contentType, finalUrl, headers, digest, size,
        title, textDigest, resources, source, tags);
  }
}

package dev.pagekeep.model;

import java.util.List;

/**
 * One request to archive a URL. Created durable (state queued) before the API answers 202.
 *
 * @param htmlDigest        blob digest of the DOM the browser showed, when the extension sent it
 * @param snapshotTimestamp set when done: the snapshot this save produced
 * @param tags              labels given with the save (bookmark folder names on import); may be null
 * @param httpStatus        the HTTP status of the document the browser showed (with htmlDigest); null when unknown
 * @param resources         requisites the browser fetched with its own session; null when none
 */
public record Save(
    long id, String url, String urlKey, SaveState state, int attempts, String error,
    String source, String title, String htmlDigest, String snapshotTimestamp,
    long createdAt, long updatedAt, List<String> tags, Integer httpStatus, List<SaveResource> resources) {

  /** A save without what the browser fetched (the shape before browser resources existed). */
  public Save(long id, String url, String urlKey, SaveState state, int attempts, String error,
              String source, String title, String htmlDigest, String snapshotTimestamp,
              long createdAt, long updatedAt, List<String> tags) {
    this(id, url, urlKey, state, attempts, error, source, title, htmlDigest, snapshotTimestamp, createdAt, updatedAt, tags, null, null);
  }

  /** A save without tags (the shape before tags existed). */
  public Save(long id, String url, String urlKey, SaveState state, int attempts, String error,
              String source, String title, String htmlDigest, String snapshotTimestamp,
              long createdAt, long updatedAt) {
    this(id, url, urlKey, state, attempts, error, source, title, htmlDigest, snapshotTimestamp, createdAt, updatedAt, null);
  }

  /** The browser's resources, never null. */
  public List<SaveResource> resourceList() { return resources == null ? List.of() : resources; }

  public String hashUrl() { return urlKey.substring(0, UrlKeys.HASH_URL_LENGTH); }

  public Save withState(SaveState s, long now) {
    return new Save(id, url, urlKey, s, attempts, error, source, title, htmlDigest, snapshotTimestamp, createdAt, now, tags, httpStatus, resources);
  }

  public Save done(String timestamp, int attempts, long now) {
    return new Save(id, url, urlKey, SaveState.DONE, attempts, null, source, title, htmlDigest, timestamp, createdAt, now, tags, httpStatus, resources);
  }

  public Save failed(String reason, int attempts, long now) {
    return new Save(id, url, urlKey, SaveState.FAILED, attempts, reason, source, title, htmlDigest, null, createdAt, now, tags, httpStatus, resources);
  }

  /** The service's fetch met a wall: the save waits for a capture through the browser. */
  public Save needsBrowser(String reason, int attempts, long now) {
    return new Save(id, url, urlKey, SaveState.NEEDS_BROWSER, attempts, reason, source, title, htmlDigest, null, createdAt, now, tags);
  }

  /** The browser sent the DOM for this save: back on the queue, to be stored from that DOM. */
  /** Back on the queue with the DOM (and its status and requisites) a browser captured for it. */
  public Save withBrowserDom(String domDigest, String domTitle, Integer domStatus, List<SaveResource> domResources, long now) {
    return new Save(id, url, urlKey, SaveState.QUEUED, attempts, null, source, domTitle == null ? title : domTitle,
        domDigest, null, createdAt, now, tags, domStatus, domResources);
  }

  public Save requeued(long now) {
    return new Save(id, url, urlKey, SaveState.QUEUED, attempts, null, source, title, htmlDigest, null, createdAt, now, tags, httpStatus, resources);
  }
}

package dev.pagekeep.testing;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds captures for store-level tests. */
public final class Captures {
  private Captures() {}

  public static StoredCapture page(String url, String ts, String html, List<String> requisiteIds) {
    return page(url, ts, html, "text of " + url, requisiteIds);
  }

  /** A page whose extracted text (what search indexes) is {@code plainText}. */
  public static StoredCapture page(String url, String ts, String html, String plainText, List<String> requisiteIds) {
    Blob body = Blob.of(html.getBytes(StandardCharsets.UTF_8));
    Blob text = Blob.of(plainText.getBytes(StandardCharsets.UTF_8));
    return new StoredCapture(new Capture(UrlKeys.urlKey(url), url, ts, Capture.PAGE, 200, "text/html", url,
        List.of("Content-Type: text/html"), body.digest(), body.size(), "Title " + url, text.digest(), requisiteIds, "api", null),
        body, text);
  }

  public static StoredCapture resource(String url, String ts, byte[] bytes) {
    Blob body = Blob.of(bytes);
    return new StoredCapture(new Capture(UrlKeys.urlKey(url), url, ts, Capture.RESOURCE, 200, "text/css", url,
        List.of(), body.digest(), body.size(), null, null, List.of(), "requisite", null), body, null);
  }
}

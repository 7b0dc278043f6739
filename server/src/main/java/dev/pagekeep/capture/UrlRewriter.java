package dev.pagekeep.capture;


/** Maps live URLs to archive replay URLs; supplied by the caller of {@link dev.pagekeep.replay.ReplayRewriter}. */
public interface UrlRewriter {
  /** Replay URL for a requisite in its role (absolute URL in), e.g. "/web/20260101000000cs_/https://x/a.css". */
  String resource(String absoluteUrl, Requisite.Kind kind);

  /** Replay URL for a navigational link, or null when the target is not archived (the link then stays live, clearly marked). */
  String link(String absoluteUrl);

  /**
   * True for a URL this rewriter writes, one inside the archive: the replay policy keeps no other URL a
   * page could fetch by itself. By default a path under {@code /web/}.
   */
  default boolean inArchive(String url) {
    return url.startsWith("/web/");
  }
}

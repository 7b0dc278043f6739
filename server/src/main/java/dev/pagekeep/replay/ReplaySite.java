package dev.pagekeep.replay;

/**
 * Where a replay is served, so that every address it writes stays there: {@code prefix} goes before
 * every archive path it emits ({@code /web/...}, {@code /reader/...}, {@code /diff/...}), and
 * {@code ui} before every link to the web UI. On the replay origin the prefix carries the capability
 * ({@code /c/{capability}}) and the UI is another origin ({@code http://127.0.0.1:PORT}); a token
 * client on the UI's origin gets {@link #SAME} (root-relative paths, as before).
 *
 * @param prefix path before every archive path, "" or {@code /c/{capability}}
 * @param ui     origin of the web UI, "" when it is this origin
 */
public record ReplaySite(String prefix, String ui) {
  public static final ReplaySite SAME = new ReplaySite("", "");

  /** An archive address on this site. */
  public String path(WaybackUrl address) {
    return prefix + address.path();
  }

  /** Another archive path (reader, diff) on this site. */
  public String path(String archivePath) {
    return prefix + archivePath;
  }

  /** A page of the web UI ({@code /}, {@code /#/url/...}). */
  public String ui(String uiPath) {
    return ui + uiPath;
  }
}

package dev.pagekeep.replay;

import dev.pagekeep.model.Capture;
import dev.pagekeep.page.Pages;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * pagekeep's replay page, pywb's framed replay: a banner of a fixed, whole-pixel height, then a frame
 * filling the rest of the window with the archived page alone ({@code /web/{ts}mp_/{url}}), so that
 * nothing of pagekeep's can reflow the page. The banner names the original URL (a live link, marked as
 * such), the capture time to the second, the previous and next versions, all versions, the reader
 * view, what changed, and a way to hide it (the page alone). Its script ({@code /ui/replay.js}, from the
 * jar) keeps the address bar in step with the frame and restores the scroll offsets kept with a capture.
 */
public final class ReplayPage {
  /** The banner's height in CSS pixels: whole, so the frame starts on a pixel row. Also in replay.css. */
  public static final int BANNER_HEIGHT = 32;

  /**
   * The content frame's sandbox (and the archived content's CSP sandbox): no scripts, no forms, no
   * plugins; same origin kept; a click may open a link in the top window or in a new tab, and a live
   * page opened that way is not sandboxed.
   */
  public static final String FRAME_SANDBOX =
      "allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation";

  /** The replay page runs pagekeep's own script and style only, shows frames of this origin only, and is never framed. */
  public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "frame-src 'self'; connect-src 'none'; form-action 'none'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

  private ReplayPage() {}

  /**
   * The replay page of capture {@code c}.
   *
   * @param versions every capture of its URL key, oldest first
   */
  static Replayer.Reply render(Capture c, List<Capture> versions, ReplaySite site) {
    String ts = c.timestamp();
    Capture previous = null;
    Capture next = null;
    int pages = 0;
    for (Capture v : versions) {
      if (!v.isPage() && c.isPage()) continue;
      pages++;
      int cmp = v.timestamp().compareTo(ts);
      if (cmp < 0) previous = v;
      if (cmp > 0 && next == null) next = v;
    }
    String framed = site.path(WaybackUrl.framed(ts, c.url()));
    String alone = site.path(new WaybackUrl(ts, WaybackUrl.Modifier.MP, c.url()));
    String title = c.title() == null || c.title().isBlank() ? c.url() : c.title().strip();
    String when = Replayer.human(ts);

    // replay.jte: not in the pages' layout; its markup (no whitespace between elements) is held pixel-exact by e2e/replay-framed.
    String html = Pages.replay(new Pages.Replay(
        title,
        when.substring(0, when.length() - 13).trim(), // day
        ts,
        c.url(),
        framed,
        site.prefix(),
        site.ui("/"), // home
        previous == null ? null : site.path(WaybackUrl.framed(previous.timestamp(), previous.url())), // prevHref
        previous == null ? null : Replayer.human(previous.timestamp()), // prevWhen
        next == null ? null : site.path(WaybackUrl.framed(next.timestamp(), next.url())), // nextHref
        next == null ? null : Replayer.human(next.timestamp()), // nextWhen
        iso(ts),
        when,
        site.ui("/#/url/" + c.hashUrl()), // allHref
        pages,
        site.path("/reader/" + c.hashUrl() + "/" + ts), // readerHref
        previous == null ? null : site.path("/diff/" + previous.timestamp() + "/" + ts + "/" + c.url()), // changesHref
        alone,
        FRAME_SANDBOX));
    return new Replayer.Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), null,
        Map.of("Content-Security-Policy", CSP, "Cache-Control", "no-store")); // its versions change with the next capture
  }

  private static String iso(String ts) {
    return ts.substring(0, 4) + "-" + ts.substring(4, 6) + "-" + ts.substring(6, 8) + "T" + ts.substring(8, 10) + ":"
        + ts.substring(10, 12) + ":" + ts.substring(12, 14) + "Z";
  }
}

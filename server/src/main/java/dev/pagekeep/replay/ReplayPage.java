package dev.pagekeep.replay;

import dev.pagekeep.model.Capture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Entities;

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

    StringBuilder b = new StringBuilder(2048);
    b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(esc(title)).append(" · pagekeep ").append(esc(when.substring(0, when.length() - 13).trim())).append("</title>")
        .append("<link rel=\"stylesheet\" href=\"/ui/replay.css\"><script type=\"module\" src=\"/ui/replay.js\"></script>")
        .append("</head><body class=\"pk-replay\">")
        .append("<header id=\"pagekeep-banner\" data-timestamp=\"").append(ts).append("\" data-url=\"").append(esc(c.url()))
        .append("\" data-framed=\"").append(esc(framed)).append("\" data-prefix=\"").append(esc(site.prefix())).append("\">")
        .append("<a class=\"pk-brand\" href=\"").append(esc(site.ui("/"))).append("\" title=\"Your archive\">pagekeep</a>")
        .append(version("pagekeep-prev", "pk-step", previous, "\u2190", "Previous version", site))
        .append("<time class=\"pk-when\" id=\"pagekeep-when\" datetime=\"").append(esc(iso(ts))).append("\" title=\"Captured at\">")
        .append(esc(when)).append("</time>")
        .append(version("pagekeep-next", "pk-step", next, "\u2192", "Next version", site))
        .append("<a id=\"pagekeep-all\" href=\"").append(esc(site.ui("/#/url/" + c.hashUrl()))).append("\" title=\"Every version of this URL\">")
        .append(pages).append(pages == 1 ? " version" : " versions").append("</a>")
        .append("<a id=\"pagekeep-live\" class=\"pk-live\" href=\"").append(esc(c.url()))
        .append("\" target=\"_blank\" rel=\"noopener noreferrer\" title=\"The live page on the web today (opens a new tab, leaves the archive)\">")
        .append("<span class=\"pk-tag\">live</span>").append(esc(c.url())).append("</a>")
        .append("<span class=\"pk-hint\" id=\"pagekeep-hint\" aria-live=\"polite\"></span>")
        .append("<a id=\"pagekeep-reader\" href=\"").append(esc(site.path("/reader/" + c.hashUrl() + "/" + ts))).append("\">reader view</a>");
    if (previous != null) {
      b.append("<a id=\"pagekeep-changes\" href=\"").append(esc(site.path("/diff/" + previous.timestamp() + "/" + ts + "/" + c.url()))).append("\" title=\"What changed since the previous version\">what changed</a>");
    }
    b.append("<a id=\"pagekeep-hide\" href=\"").append(esc(alone)).append("\" title=\"Hide this bar: the archived page alone\" aria-label=\"Hide this bar\">\u00d7</a>")
        .append("</header>")
        .append("<iframe id=\"pagekeep-frame\" name=\"pagekeep-frame\" title=\"Archived page\" src=\"").append(esc(alone))
        .append("\" sandbox=\"").append(FRAME_SANDBOX).append("\"></iframe>")
        .append("</body></html>");
    return new Replayer.Reply(200, "text/html; charset=utf-8", b.toString().getBytes(StandardCharsets.UTF_8), null,
        Map.of("Content-Security-Policy", CSP, "Cache-Control", "no-store")); // its versions change with the next capture
  }

  private static String version(String id, String cls, Capture v, String arrow, String label, ReplaySite site) {
    if (v == null) {
      return "<span id=\"" + id + "\" class=\"" + cls + " pk-none\" title=\"" + label + ": none\" aria-disabled=\"true\">" + arrow + "</span>";
    }
    return "<a id=\"" + id + "\" class=\"" + cls + "\" href=\"" + esc(site.path(WaybackUrl.framed(v.timestamp(), v.url())))
        + "\" title=\"" + label + ": " + esc(Replayer.human(v.timestamp())) + "\">" + arrow + "</a>";
  }

  private static String iso(String ts) {
    return ts.substring(0, 4) + "-" + ts.substring(4, 6) + "-" + ts.substring(6, 8) + "T" + ts.substring(8, 10) + ":"
        + ts.substring(10, 12) + ":" + ts.substring(12, 14) + "Z";
  }

  private static String esc(String s) {
    return Entities.escape(s == null ? "" : s);
  }
}

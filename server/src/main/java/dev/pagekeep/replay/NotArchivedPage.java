package dev.pagekeep.replay;

import static dev.pagekeep.replay.Replayer.esc;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a person meets at {@code /web/{url}} (or {@code /web/{ts}/{url}}) for a URL with no capture:
 * a 404 page that names the URL and offers <b>Archive it now</b>, which queues a save (source
 * {@code ui}), shows its progress and opens the capture when it is done ({@code /ui/not-archived.js}).
 * Without scripts (curl, or inside the sandboxed replay frame) the button stays hidden and the page
 * reads as before. Requisite roles ({@code mp_}, {@code im_}...) keep the sealed page of {@link Replayer}.
 */
public final class NotArchivedPage {
  /**
   * pagekeep's own script and style only; the script may call the API of this origin (with the
   * session cookie: a same-origin fetch, which the API requires); no forms, no other origin.
   */
  public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; form-action 'none'; base-uri 'none'; object-src 'none'; frame-ancestors 'self'";

  private NotArchivedPage() {}

  static Replayer.Reply render(String url) {
    String u = esc(url);
    boolean web = url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8);
    StringBuilder b = new StringBuilder(1500);
    b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Not in the archive</title>")
        .append("<link rel=\"stylesheet\" href=\"/ui/not-archived.css\"><script type=\"module\" src=\"/ui/not-archived.js\"></script></head>")
        .append("<body><h1>Not in the archive</h1><p>pagekeep has no copy of <code>").append(u).append("</code>.</p>");
    if (web) { // only an http(s) address can be archived, or opened live
      b.append("<section id=\"pagekeep-archive-now\" data-url=\"").append(u).append("\" hidden>")
          .append("<p><button type=\"button\" id=\"pagekeep-archive-button\">Archive it now</button></p>")
          .append("<div id=\"pagekeep-archive-progress\" hidden><progress id=\"pagekeep-archive-bar\" max=\"3\"></progress>")
          .append("<p id=\"pagekeep-archive-state\" role=\"status\" aria-live=\"polite\"></p></div></section>");
    }
    b.append("<p><a href=\"/\" target=\"_top\">Back to the archive</a>");
    if (web) {
      b.append(" \u00b7 <a href=\"").append(u).append("\" target=\"_blank\" rel=\"noopener noreferrer\">the live page</a> (leaves the archive)");
    }
    b.append("</p></body></html>");
    String html = b.toString();
    return new Replayer.Reply(404, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), null,
        Map.of("Content-Security-Policy", CSP, "Cache-Control", "no-store")); // archived a minute later: never cached
  }
}

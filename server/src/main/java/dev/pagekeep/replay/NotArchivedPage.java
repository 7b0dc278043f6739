package dev.pagekeep.replay;

import dev.pagekeep.page.Pages;
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
    boolean web = url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8);
    // Only an http(s) address can be archived, or opened live: other schemes get neither the button nor the link.
    String html = Pages.notArchived(url, web);
    return new Replayer.Reply(404, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), null,
        Map.of("Content-Security-Policy", CSP, "Cache-Control", "no-store")); // archived a minute later: never cached
  }
}

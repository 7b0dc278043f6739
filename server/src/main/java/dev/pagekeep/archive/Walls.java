package dev.pagekeep.archive;

import dev.pagekeep.fetch.FetchResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tells a page from the wall a site put in front of the service's fetch: a login page, a paywall,
 * a consent wall or a bot challenge. Such a response is not stored as the page; the save waits
 * for the browser ({@code needs-browser}), which has the user's session, cookies and a real engine.
 *
 * <p>Statuses 401, 403 and 429 are walls whatever the body says. A 200 page is a wall only on
 * firm evidence: a challenge vendor's markers (Cloudflare, DataDome, PerimeterX, Akamai, Imperva)
 * or a password form on a page with little else, and then only when the page has little text, so
 * an article that merely talks about Cloudflare or CAPTCHAs stays an article. A page that declares
 * itself paywalled ({@code "isAccessibleForFree": false}, schema.org) is a wall at any length.
 */
public final class Walls {
  /** Challenge and login pages are short; an article is not. Visible characters. */
  static final int SHORT_TEXT = 3000;
  /** How much of the body is searched for markers. */
  static final int HEAD_BYTES = 256 * 1024;

  /** What follows {@code "isAccessibleForFree"} (any case) on a page that declares a paywall. */
  private static final Pattern PAYWALL_TAIL = Pattern.compile("\\s*:\\s*\"?false", Pattern.CASE_INSENSITIVE);
  private static final Pattern PASSWORD_INPUT = Pattern.compile("<input[^>]*type\\s*=\\s*[\"']?password");
  private static final Pattern ROBOT_TITLE = Pattern.compile(
      "captcha|are you a robot|are you human|verify you are (a )?human|human verification|bot verification|security check");
  private static final Pattern LOGIN_TITLE = Pattern.compile("\\b(sign in|log in|login|sign-in|log-in)\\b");

  /** A marker in the page's source, and the wall it names. */
  private record Marker(String text, String wall) {}

  private static final List<Marker> MARKERS = List.of(
      new Marker("cf-chl", "a Cloudflare challenge"),
      new Marker("/cdn-cgi/challenge-platform/", "a Cloudflare challenge"),
      new Marker("cf-browser-verification", "a Cloudflare challenge"),
      new Marker("captcha-delivery.com", "a DataDome challenge"),
      new Marker("px-captcha", "a PerimeterX challenge"),
      new Marker("_pxappid", "a PerimeterX challenge"),
      new Marker("errors.edgesuite.net", "an Akamai block page"),
      new Marker("_incapsula_resource", "an Imperva challenge"),
      new Marker("incapsula incident id", "an Imperva challenge"));

  private Walls() {}

  /** The wall an HTTP error status means, or empty: 401 login, 403 refused, 429 rate limit or challenge. */
  public static Optional<String> forStatus(int status, String fetchReason) {
    String what = switch (status) {
      case 401 -> "the site wants a login";
      case 403 -> "the site refused the service's fetch (login, paywall or bot wall)";
      case 429 -> "the site rate-limited or challenged the service's fetch";
      default -> null;
    };
    return what == null ? Optional.empty() : Optional.of(fetchReason + ": " + what + "; the browser will capture it");
  }

  /**
   * The wall a successful HTML response shows instead of the page, or empty when it looks like the
   * page itself. {@code title} and {@code text} are what capture parsed from it.
   */
  public static Optional<String> inPage(FetchResult r, String title, String text) {
    String wall = wall(r, lower(title), text == null ? 0 : strippedLength(text));
    return wall == null ? Optional.empty()
        : Optional.of("HTTP " + r.status() + " showed " + wall + " instead of the page; the browser will capture it");
  }

  private static String wall(FetchResult r, String title, int textLength) {
    for (String h : r.headers()) {
      String line = h.toLowerCase(Locale.ROOT);
      if (line.startsWith("cf-mitigated:") && line.contains("challenge")) return "a Cloudflare challenge";
      if (line.startsWith("x-datadome:") || line.startsWith("x-dd-b:")) return "a DataDome challenge";
    }
    String host = host(r.finalUrl());
    if (host.startsWith("consent.")) return "a consent wall (" + host + ")";
    String head = new String(r.body(), 0, Math.min(r.body().length, HEAD_BYTES), StandardCharsets.ISO_8859_1);
    if (declaresPaywall(head)) return "a paywall (the page says it is not free to read)";
    if (textLength >= SHORT_TEXT) return null; // most pages end here, without lower-casing their source
    String body = lower(head);
    if (title.startsWith("just a moment")) return "a Cloudflare challenge";
    if (title.startsWith("attention required") && title.contains("cloudflare")) return "a Cloudflare block page";
    for (Marker m : MARKERS) if (body.contains(m.text())) return m.wall();
    if (title.equals("access denied") && body.contains("reference #")) return "an Akamai block page";
    if (ROBOT_TITLE.matcher(title).find()) return "a bot check";
    if (title.startsWith("before you continue")) return "a consent wall";
    if (PASSWORD_INPUT.matcher(body).find() && (textLength < SHORT_TEXT / 2 || LOGIN_TITLE.matcher(title).find())) {
      return "a login form";
    }
    return null;
  }

  /**
   * Whether the source has {@code "isAccessibleForFree": false} (any case, any spacing, the false
   * quoted or not): found by its quote and compared in place, as lower-casing the page's source
   * first cost more than the rest of the wall checks together.
   */
  static boolean declaresPaywall(String source) {
    String name = "isaccessibleforfree\"";
    for (int q = source.indexOf('"'); q >= 0; q = source.indexOf('"', q + 1)) {
      if (source.regionMatches(true, q + 1, name, 0, name.length())
          && PAYWALL_TAIL.matcher(source).region(q + 1 + name.length(), source.length()).lookingAt()) {
        return true;
      }
    }
    return false;
  }

  /** {@code text.strip().length()}, without the copy. */
  private static int strippedLength(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && Character.isWhitespace(text.charAt(start))) start++;
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) end--;
    return end - start;
  }

  private static String host(String url) {
    try {
      okhttp3.HttpUrl u = okhttp3.HttpUrl.parse(url); // as the fetcher parses it ("?q=a|b" included)
      return u == null ? "" : u.host();
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static String lower(String s) {
    return s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
  }
}

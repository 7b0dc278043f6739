package dev.pagekeep.api;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Every security check on incoming requests, in order: the Host must be a loopback name with our
 * port (defeats DNS rebinding), a browser Origin must be ours or an extension's (defeats
 * cross-site requests, including text/plain form posts), and the caller must hold the token or a
 * session cookie (the archive is private), the cookie opening the API only to fetches of pagekeep's
 * own pages. Runs before every handler.
 */
final class RequestGuard {
  static final String SESSION_COOKIE = "pagekeep_session";
  private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

  private final Sessions sessions;
  private final IntSupplier port;

  RequestGuard(Sessions sessions, IntSupplier port) {
    this.sessions = sessions;
    this.port = port;
  }

  /** What the caller proved: nothing (public paths), the token, or a browser session. */
  enum Caller { ANONYMOUS, TOKEN, SESSION }

  Caller check(Context ctx) {
    checkHost(ctx.header("Host"));
    String bearer = bearer(ctx.header("Authorization"));
    boolean tokenOk = sessions.isToken(bearer);
    checkOrigin(ctx.header("Origin"), ctx.header("Sec-Fetch-Site"), tokenOk);
    if (tokenOk) return Caller.TOKEN;
    if (bearer != null) throw new ApiException(401, "bad_token", "the token is wrong");
    if (sessions.isSession(ctx.cookie(SESSION_COOKIE))) {
      if (ctx.path().startsWith("/api/")) checkFetchMetadata(ctx.header("Sec-Fetch-Site"), ctx.header("Sec-Fetch-Dest"));
      return Caller.SESSION;
    }
    if (isPublic(ctx.method().name(), ctx.path())) return Caller.ANONYMOUS;
    throw ApiException.unauthorized();
  }

  private static boolean isPublic(String method, String path) {
    return (method.equals("GET") || method.equals("HEAD"))
        && (path.equals("/api/health") || path.equals("/login") || path.equals("/favicon.ico"));
  }

  void checkHost(String host) {
    if (host == null) throw ApiException.forbidden("bad_host", "a Host header is required");
    String h = host.trim().toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    if (colon <= 0 || colon < h.lastIndexOf(']')) {
      throw ApiException.forbidden("bad_host", "Host must name this service with its port, like 127.0.0.1:" + port.getAsInt());
    }
    String name = h.substring(0, colon);
    String p = h.substring(colon + 1);
    if (!LOOPBACK_NAMES.contains(name) || !p.equals(Integer.toString(port.getAsInt()))) {
      throw ApiException.forbidden("bad_host", "refused: Host '" + oneLine(host) + "' is not this service (DNS rebinding?)");
    }
  }

  void checkOrigin(String origin, String fetchSite, boolean tokenOk) {
    if (origin != null) {
      String o = origin.trim().toLowerCase(Locale.ROOT);
      boolean ours = o.equals("http://127.0.0.1:" + port.getAsInt()) || o.equals("http://localhost:" + port.getAsInt())
          || o.equals("http://[::1]:" + port.getAsInt());
      boolean extension = o.startsWith("chrome-extension://") || o.startsWith("moz-extension://");
      if (!ours && !(extension && tokenOk)) {
        throw ApiException.forbidden("bad_origin", "refused: requests from " + oneLine(origin) + " are not allowed");
      }
      return;
    }
    // A browser that sends no Origin (a GET navigation) still says where it came from.
    if ("cross-site".equalsIgnoreCase(fetchSite) && !tokenOk) {
      throw ApiException.forbidden("bad_origin", "refused: cross-site request");
    }
  }

  /**
   * The session cookie opens the API only to fetches of pagekeep's own pages. A page in the archive
   * shares this origin and can make the browser send the cookie with an image, a stylesheet, a frame
   * or a click (CSS it was never meant to keep, a missed attribute), but never with a fetch: its
   * scripts never run. Browsers send these headers to loopback origins; a client that is not a
   * browser uses the token.
   */
  void checkFetchMetadata(String fetchSite, String fetchDest) {
    if (!"same-origin".equalsIgnoreCase(fetchSite) || !"empty".equalsIgnoreCase(fetchDest)) {
      throw ApiException.forbidden("not_a_fetch", "refused: with the session cookie, the API answers only fetches from pagekeep's "
          + "own pages (this was Sec-Fetch-Site " + oneLine(String.valueOf(fetchSite)) + ", Sec-Fetch-Dest "
          + oneLine(String.valueOf(fetchDest)) + "); other clients send the token");
    }
  }

  static String bearer(String authorization) {
    if (authorization == null) return null;
    String a = authorization.trim();
    return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : null;
  }

  private static String oneLine(String s) {
    String flat = s.replaceAll("[\\r\\n]", " ");
    return flat.length() > 100 ? flat.substring(0, 100) + "..." : flat;
  }
}

package dev.pagekeep.api;

import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Every security check on incoming requests, in one policy: which host serves what, then who may ask.
 *
 * <ul>
 *   <li>The Host must be a loopback name with our port (defeats DNS rebinding), and it decides the
 *       site: {@code 127.0.0.1:PORT} (or {@code [::1]:PORT}) is the {@link Site#UI} site, the web UI and
 *       the API; {@code localhost:PORT} is the {@link Site#REPLAY} site, archived content only.
 *   <li>On the replay site, only {@code /c/{capability}/...} with a valid capability
 *       ({@link Capabilities}) and the replay page's own script and style are served; everything else,
 *       the API above all, is refused whatever the request carries (the browser sends no cookie of
 *       127.0.0.1 there, and the token is not taken there either).
 *   <li>On the UI site, a browser Origin must be ours or an extension's (defeats cross-site requests,
 *       including text/plain form posts), and the caller must hold the token, a one-time ticket (an
 *       export download), or a session: the cookie opens the UI's static pages, and the API only to
 *       fetches of pagekeep's own pages that also send the session's key ({@link Sessions#KEY_HEADER}).
 * </ul>
 * Runs before every handler.
 */
final class RequestGuard {
  static final String SESSION_COOKIE = "pagekeep_session";
  /** The request attribute holding the {@link Caller}. */
  static final String CALLER = "pagekeep.caller";
  /** The path prefix of the replay site: {@code /c/{capability}/web/...}. */
  static final String CAPABILITY_PREFIX = "/c/";
  private static final Set<String> UI_NAMES = Set.of("127.0.0.1", "[::1]");
  static final String REPLAY_NAME = "localhost";
  /** What the replay site serves without a capability: the replay page's own script and style. */
  private static final Set<String> REPLAY_ASSETS = Set.of("/ui/replay.js", "/ui/replay.css", "/ui/wayback.js", "/ui/page.css");
  /** Paths of archived content; on the UI site a browser is sent on to the replay site. */
  private static final List<String> ARCHIVE_PATHS = List.of("/web/", "/reader/", "/diff/", "/timemap/link/");

  private final Sessions sessions;
  private final Capabilities capabilities;
  private final IntSupplier port;

  RequestGuard(Sessions sessions, Capabilities capabilities, IntSupplier port) {
    this.sessions = sessions;
    this.capabilities = capabilities;
    this.port = port;
  }

  /** The two sites this service is, told apart by the Host's name (cookies are kept per host, not per port). */
  enum Site { UI, REPLAY }

  /**
   * What the caller proved: nothing (public paths), the token, a browser session (cookie and key on the
   * API, the cookie alone elsewhere), a one-time ticket, or a replay capability.
   */
  enum Caller { ANONYMOUS, TOKEN, SESSION, TICKET, CAPABILITY }

  Caller check(Context ctx) {
    Site site = site(ctx.header("Host"));
    if (site == Site.REPLAY) return checkReplay(ctx);
    if (ctx.path().startsWith(CAPABILITY_PREFIX)) {
      throw ApiException.notFound("capability paths are served on " + replayOrigin() + " only");
    }
    String bearer = bearer(ctx.header("Authorization"));
    boolean tokenOk = sessions.isToken(bearer);
    // A link from the replay origin to the UI (the banner's "all versions") or to an archive path (a
    // capability that expired) is a cross-site navigation; those pages are static and read nothing.
    boolean staticNavigation = isGet(ctx.method().name()) && "navigate".equalsIgnoreCase(ctx.header("Sec-Fetch-Mode"))
        && (ctx.path().equals("/") || isArchivePath(ctx.path()));
    checkOrigin(ctx.header("Origin"), staticNavigation ? null : ctx.header("Sec-Fetch-Site"), tokenOk);
    if (tokenOk) return Caller.TOKEN;
    if (bearer != null) throw new ApiException(401, "bad_token", "the token is wrong");
    if (ctx.path().equals("/api/export") && ctx.queryParam("ticket") != null) {
      if (!sessions.redeemTicket(ctx.queryParam("ticket"))) {
        throw new ApiException(401, "bad_ticket", "this download link has expired or was already used; start the export again");
      }
      return Caller.TICKET;
    }
    String cookie = ctx.cookie(SESSION_COOKIE);
    if (sessions.isSession(cookie)) {
      if (ctx.path().startsWith("/api/")) {
        checkFetchMetadata(ctx.header("Sec-Fetch-Site"), ctx.header("Sec-Fetch-Dest"));
        if (!sessions.isBound(cookie, ctx.header(Sessions.KEY_HEADER))) {
          throw new ApiException(401, "session_key", "refused: the session cookie alone opens no API call; the web UI sends its key "
              + "(open the archive again with a fresh login link: pagekeep open)");
        }
      }
      return Caller.SESSION;
    }
    if (isPublic(ctx.method().name(), ctx.path())) return Caller.ANONYMOUS;
    throw ApiException.unauthorized();
  }

  /** The replay site: a valid capability in the path, or the replay page's own files; nothing else. */
  private Caller checkReplay(Context ctx) {
    String method = ctx.method().name();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw ApiException.forbidden("replay_origin", "refused: " + replayOrigin() + " serves archived pages only, to GET");
    }
    String path = ctx.path();
    if (REPLAY_ASSETS.contains(path)) return Caller.ANONYMOUS;
    String capability = capabilityOf(path);
    if (capability != null && isArchivePath(path.substring(CAPABILITY_PREFIX.length() + capability.length()))) {
      if (capabilities.isValid(capability)) return Caller.CAPABILITY;
      String again = uiOrigin() + path.substring(CAPABILITY_PREFIX.length() + capability.length())
          + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
      throw new ApiException(403, "bad_capability", "this replay link has expired or is not valid: open it again from the archive, "
          + again, Map.of("reopen", again));
    }
    throw ApiException.forbidden("replay_origin", "refused: " + replayOrigin() + " serves archived pages only; the API and the web UI are at "
        + uiOrigin());
  }

  /** The capability in {@code /c/{capability}/...}, or null. */
  static String capabilityOf(String path) {
    if (!path.startsWith(CAPABILITY_PREFIX)) return null;
    int end = path.indexOf('/', CAPABILITY_PREFIX.length());
    return end <= CAPABILITY_PREFIX.length() ? null : path.substring(CAPABILITY_PREFIX.length(), end);
  }

  static boolean isArchivePath(String path) {
    for (String p : ARCHIVE_PATHS) if (path.startsWith(p)) return true;
    return false;
  }

  String uiOrigin() { return "http://127.0.0.1:" + port.getAsInt(); }

  String replayOrigin() { return "http://" + REPLAY_NAME + ":" + port.getAsInt(); }

  private static boolean isGet(String method) {
    return method.equals("GET") || method.equals("HEAD");
  }

  private static boolean isPublic(String method, String path) {
    // Archived content on the UI site answers a browser without a session with the page that sends it
    // on to the replay site (it reads nothing and says nothing of the archive; see WebController.bounce).
    return (method.equals("GET") || method.equals("HEAD"))
        && (path.equals("/api/health") || path.equals("/login") || path.equals("/favicon.ico") || isArchivePath(path)
            || path.equals("/ui/bounce.js") || path.equals("/ui/session.js")
            || path.equals("/ui/again.js") || path.equals("/ui/page.css"));
  }

  /** Which site {@code host} names; refused unless it is a loopback name with our port. */
  Site site(String host) {
    if (host == null) throw ApiException.forbidden("bad_host", "a Host header is required");
    String h = host.trim().toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    if (colon <= 0 || colon < h.lastIndexOf(']')) {
      throw ApiException.forbidden("bad_host", "Host must name this service with its port, like 127.0.0.1:" + port.getAsInt());
    }
    String name = h.substring(0, colon);
    String p = h.substring(colon + 1);
    if (p.equals(Integer.toString(port.getAsInt()))) {
      if (UI_NAMES.contains(name)) return Site.UI;
      if (name.equals(REPLAY_NAME)) return Site.REPLAY;
    }
    throw ApiException.forbidden("bad_host", "refused: Host '" + oneLine(host) + "' is not this service (DNS rebinding?)");
  }

  void checkOrigin(String origin, String fetchSite, boolean tokenOk) {
    if (origin != null) {
      String o = origin.trim().toLowerCase(Locale.ROOT);
      boolean ours = o.equals("http://127.0.0.1:" + port.getAsInt()) || o.equals("http://[::1]:" + port.getAsInt());
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
   * The session cookie opens the API only to fetches of pagekeep's own pages: an image, a stylesheet,
   * a frame or a click that sends the cookie (from any page of 127.0.0.1) is not one. Archived pages
   * are on the replay site and never send this cookie at all; this is the second wall. Browsers send
   * these headers to loopback origins; a client that is not a browser uses the token.
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

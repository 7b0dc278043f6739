package dev.pagekeep.api;

import dev.pagekeep.page.Pages;
import dev.pagekeep.replay.Memento;
import dev.pagekeep.replay.ReplaySite;
import dev.pagekeep.replay.Replayer;
import dev.pagekeep.replay.WaybackUrl;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The browser-facing routes: login, replay under {@code /web/}, and the web UI's files. Archived
 * content is served on the replay site only ({@code http://localhost:PORT/c/{capability}/web/...}, see
 * {@link RequestGuard}); on the UI's site a browser asking for it gets {@link #bounce}, a page whose
 * script asks the API (with the session's key) for a capability and goes on there. Token clients
 * (Memento tools, scripts) are served on the UI's site directly, as before.
 */
final class WebController {
  static final String UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private final Replayer replayer;
  private final Sessions sessions;
  private final Capabilities capabilities;
  private final IntSupplier port;

  WebController(Replayer replayer, Sessions sessions, Capabilities capabilities, IntSupplier port) {
    this.replayer = replayer;
    this.sessions = sessions;
    this.capabilities = capabilities;
    this.port = port;
  }

  /**
   * {@code POST /api/replay-links}: a capability for the replay site, as {@code {"base","expires"}}
   * ({@code base} is {@code http://localhost:PORT/c/{capability}}; put an archive path after it), and
   * with a body {@code {"path":"/web/..."}} also {@code "url"}, that path on the replay site.
   */
  void replayLink(Context ctx) {
    String cap = capabilities.mint();
    String base = "http://" + RequestGuard.REPLAY_NAME + ":" + port.getAsInt() + RequestGuard.CAPABILITY_PREFIX + cap;
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("base", base);
    out.put("expires", Capabilities.expiry(cap));
    String body = ctx.body();
    if (!body.isBlank()) {
      Object path;
      try {
        path = ctx.bodyAsClass(Map.class).get("path");
      } catch (RuntimeException e) {
        throw ApiException.badRequest("the body must be JSON like {\"path\":\"/web/...\"}");
      }
      if (path != null) {
        if (!(path instanceof String p) || !RequestGuard.isArchivePath(p)) {
          throw ApiException.badRequest("path must start with /web/, /reader/, /diff/ or /timemap/link/");
        }
        out.put("url", base + p);
      }
    }
    ctx.json(out);
  }

  /** {@code POST /api/export-tickets}: a one-time ticket for one export download ({@code /api/export?format=...&ticket=...}). */
  void exportTicket(Context ctx) {
    ctx.json(Map.of("ticket", sessions.newTicket(), "expiresInSeconds", Sessions.TICKET_TTL.toSeconds()));
  }

  /**
   * Archived content asked for on the UI's site by a browser: a page (pagekeep's own script, nothing of
   * the archive) that asks {@code POST /api/replay-links} for the same path on the replay site and goes
   * there. 401 without a session cookie (its script still tries: a navigation from the replay site
   * carries no SameSite=Strict cookie, but the script's own fetch does). True when it answered.
   */
  boolean bounce(Context ctx) {
    Object caller = ctx.attribute(RequestGuard.CALLER);
    if (caller != RequestGuard.Caller.SESSION && caller != RequestGuard.Caller.ANONYMOUS) return false;
    ctx.status(caller == RequestGuard.Caller.SESSION ? 200 : 401).header("Content-Security-Policy", UI_CSP)
        .header("Cache-Control", "no-store").contentType("text/html; charset=utf-8")
        .result(Pages.opening("Opening the archived page", "bounce", "Opening the archived page…", "/ui/bounce.js"));
    return true;
  }

  /** Where archive paths of this request are written: under its capability on the replay site, else as they are. */
  ReplaySite site(Context ctx) {
    if (ctx.attribute(RequestGuard.CALLER) != RequestGuard.Caller.CAPABILITY) return ReplaySite.SAME;
    return new ReplaySite(RequestGuard.CAPABILITY_PREFIX + RequestGuard.capabilityOf(ctx.path()), "http://127.0.0.1:" + port.getAsInt());
  }

  /** {@code POST /api/login-links}: a one-time link that logs a browser in (the extension's "Open archive"). */
  void loginLink(Context ctx) {
    ctx.json(Map.of("url", "http://127.0.0.1:" + port.getAsInt() + "/login?token=" + sessions.newLoginCode()));
  }

  /**
   * Exchanges a one-time code for an HttpOnly, SameSite=Strict session cookie, then leaves the URL for
   * the UI with the session's key in the fragment (never sent to a server; the UI keeps it and clears it).
   */
  void login(Context ctx) {
    Sessions.Login login = sessions.login(ctx.queryParam("token"));
    if (login == null) {
      ctx.status(401).contentType("text/html; charset=utf-8").header("Content-Security-Policy", UI_CSP)
          .result(Pages.loginUsed());
      return;
    }
    ctx.header("Set-Cookie", RequestGuard.SESSION_COOKIE + "=" + login.session()
        + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + Sessions.SESSION_TTL.toSeconds());
    // "next": where the link leads once logged in; only a replay path (the extension's offer of an
    // archived copy), whose page (bounce.js) takes the key from the fragment as the UI does.
    String next = ctx.queryParam("next");
    boolean replay = next != null && next.startsWith(WaybackUrl.PREFIX) && next.indexOf('\\') < 0 && next.indexOf('#') < 0
        && next.length() <= 8192 && next.chars().noneMatch(c -> c < 0x20);
    ctx.redirect((replay ? next : "/") + "#key=" + login.key(), HttpStatus.SEE_OTHER);
  }

  /** {@code /web/...}: a snapshot in the role its Wayback modifier names (see {@link WaybackUrl}). */
  void replay(Context ctx) {
    String raw = ctx.req().getRequestURI();
    String rest = raw.substring(raw.indexOf(WaybackUrl.PREFIX) + WaybackUrl.PREFIX.length());
    String query = ctx.queryString();
    WaybackUrl address = WaybackUrl.parse(query == null ? rest : rest + "?" + query);
    // A page with no capture, asked for by the logged-in UI: "Archive it now" here, on the UI's origin
    // (its script calls the API); there is nothing to send to the replay origin.
    if (ctx.attribute(RequestGuard.CALLER) == RequestGuard.Caller.SESSION && address.modifier() == WaybackUrl.Modifier.NONE
        && !replayer.archived(address.url())) {
      Replayer.Reply page = replayer.replay(address, null, ReplaySite.SAME);
      ctx.header("Cache-Control", "no-store");
      page.headers().forEach(ctx::header);
      ctx.status(page.status()).contentType(page.contentType()).result(page.body());
      return;
    }
    if (bounce(ctx)) return;
    ReplaySite site = site(ctx);
    String acceptDatetime = ctx.header("Accept-Datetime");
    Replayer.Reply reply = address.timestamp() == null && acceptDatetime != null
        ? replayer.timeGate(address.url(), acceptDatetime(acceptDatetime), origin(ctx) + site.prefix(), site)
        : replayer.replay(address, origin(ctx) + site.prefix(), site);
    ctx.header("Cache-Control", "private, max-age=300"); // archived content; the replay page and redirects say no-store
    reply.headers().forEach(ctx::header);
    if (reply.redirect() != null) {
      ctx.redirect(reply.redirect(), HttpStatus.FOUND);
      return;
    }
    ctx.status(reply.status()).contentType(reply.contentType()).result(reply.body());
  }

  /** {@code GET /timemap/link/{url}}: the Memento TimeMap of a URL's snapshots (RFC 7089 5.1.1). */
  void timeMap(Context ctx) {
    if (bounce(ctx)) return;
    String raw = ctx.req().getRequestURI();
    String url = raw.substring(raw.indexOf(TIMEMAP) + TIMEMAP.length());
    if (ctx.queryString() != null) url += "?" + ctx.queryString();
    url = WaybackUrl.repairScheme(url);
    String map = replayer.memento().timeMap(origin(ctx) + site(ctx).prefix(), url);
    if (map == null) throw ApiException.notFound("no snapshot of " + url);
    ctx.contentType(Memento.LINK_FORMAT).result(map);
  }

  private static final String TIMEMAP = "/timemap/link/";

  private static String acceptDatetime(String value) {
    try {
      return Memento.acceptDatetime(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  /** Where this request came to (the Host header has passed {@link RequestGuard}): Memento links are absolute. */
  private static String origin(Context ctx) {
    return "http://" + ctx.header("Host").strip();
  }

  /** The web UI: one page whose script (served from the jar) drives the JSON API. */
  void home(Context ctx) {
    ctx.header("Content-Security-Policy", UI_CSP).contentType("text/html; charset=utf-8").result(asset("index.html"));
  }

  /**
   * Whether a refused request gets the HTML login page rather than the JSON error: a browser asking
   * for the home page. JSON clients (an {@code /api/} path, or Accept naming JSON) keep the JSON error.
   */
  static boolean wantsLoginPage(Context ctx) {
    if (!ctx.path().equals("/")) return false;
    String accept = ctx.header("Accept");
    return accept == null || !accept.toLowerCase(java.util.Locale.ROOT).contains("json");
  }

  /** The page a browser without a session sees at {@code /}: what pagekeep is, and how to get in. */
  void loginPage(Context ctx) {
    if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site")) && "navigate".equalsIgnoreCase(ctx.header("Sec-Fetch-Mode"))) {
      // A link from the replay origin (the banner's "pagekeep", "all versions") is a cross-site
      // navigation: the browser leaves the SameSite=Strict cookie out. This page navigates again from
      // this origin, which sends it; a browser without a session then gets the login page.
      ctx.status(401).header("Content-Security-Policy", UI_CSP).contentType("text/html; charset=utf-8")
          .result(Pages.opening("pagekeep", "again", "Opening your archive…", "/ui/again.js"));
      return;
    }
    ctx.status(401).header("Content-Security-Policy", UI_CSP).contentType("text/html; charset=utf-8")
        .result(Pages.login());
  }

  /** {@code /ui/{file}}: the UI's script and style, from a fixed list (nothing else on the classpath is reachable). */
  void uiAsset(Context ctx) {
    String file = ctx.pathParam("file");
    String type = UI_FILES.get(file);
    if (type == null) throw ApiException.notFound("no such file: /ui/" + file);
    ctx.header("Content-Security-Policy", UI_CSP).header("Cache-Control", "no-cache").contentType(type).result(asset(file));
  }

  private static final Map<String, String> UI_FILES = Map.ofEntries(
      Map.entry("app.js", "text/javascript; charset=utf-8"),
      Map.entry("wayback.js", "text/javascript; charset=utf-8"),
      Map.entry("replay.js", "text/javascript; charset=utf-8"),
      Map.entry("not-archived.js", "text/javascript; charset=utf-8"),
      Map.entry("page.css", "text/css; charset=utf-8"),
      Map.entry("replay.css", "text/css; charset=utf-8"),
      Map.entry("bounce.js", "text/javascript; charset=utf-8"),
      Map.entry("session.js", "text/javascript; charset=utf-8"),
      Map.entry("again.js", "text/javascript; charset=utf-8"),
      Map.entry("app.css", "text/css; charset=utf-8"),
      Map.entry("index.html", "text/html; charset=utf-8"));

  private static byte[] asset(String file) {
    try (java.io.InputStream in = WebController.class.getResourceAsStream("/ui/" + file)) {
      if (in == null) throw new IllegalStateException("the jar lacks /ui/" + file);
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read /ui/" + file + " from the jar", e);
    }
  }

}

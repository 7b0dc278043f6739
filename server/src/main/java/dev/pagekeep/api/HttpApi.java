package dev.pagekeep.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.archive.Archiver;
import dev.pagekeep.diff.SnapshotDiff;
import dev.pagekeep.imports.Importer;
import dev.pagekeep.replay.Replayer;
import dev.pagekeep.replay.WaybackUrl;
import dev.pagekeep.rot.RotChecker;
import dev.pagekeep.search.SearchException;
import dev.pagekeep.search.SearchIndexer;
import dev.pagekeep.search.SearchQueryException;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.StoreFullException;
import dev.pagekeep.watch.Watcher;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.UriCompliance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of pagekeep: routes, the security gate and error mapping. Built from injected
 * parts so tests start it on port 0 with real or fake ones. Every error leaves as
 * {@code {"error":{"code","message"}}}; no stack trace ever reaches a client.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  public static final String VERSION = "0.1.0";
  private static final String CALLER = RequestGuard.CALLER;

  private final Javalin app;
  private final AtomicInteger port = new AtomicInteger(-1);
  private final Sessions sessions;
  private volatile Runnable onShutdown; // null: POST /api/shutdown answers 501

  private HttpApi(ArchiveStore store, Archiver archiver, Replayer replayer, Sessions sessions, Features features) {
    this.sessions = sessions;
    ObjectMapper json = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    // From the documented limits: one string up to the page's HTML (32 MiB; a resource's base64,
    // 16 MiB of bytes, is shorter), a document up to the request cap. Jackson's default string
    // cap (20M characters) refused pages the API documents as accepted.
    json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxStringLength(SavesController.MAX_HTML_BYTES).maxDocumentLength(SavesController.MAX_REQUEST_BYTES).build());
    Views views = new Views(archiver);
    Capabilities capabilities = new Capabilities(java.time.Clock.systemUTC());
    RequestGuard guard = new RequestGuard(sessions, capabilities, port::get);
    SavesController saves = new SavesController(store, archiver, views, json);
    SnapshotsController snapshots = new SnapshotsController(store, archiver, features.search());
    ImportsController imports = features.importer() == null ? null : new ImportsController(features.importer());
    ExportController exports = new ExportController(store);
    WebController web = new WebController(replayer, sessions, capabilities, port::get);
    ReaderController reader = new ReaderController(store, snapshots, web);
    DiffController diffs = new DiffController(new SnapshotDiff(store, replayer), snapshots, web);
    WatchesController watches = features.watcher() == null ? null : new WatchesController(features.watcher(), snapshots, json);
    RotController rot = new RotController(store, features.rot(), json);

    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      // Loopback only, and the guard learns the port, however the app is started (javalin-testtools
      // starts it with app.start(0) in ApiControllersTest).
      config.jetty.host = "127.0.0.1";
      config.events.serverStarted(this::learnPort);
      config.http.maxRequestSize = SavesController.MAX_REQUEST_BYTES;
      config.jsonMapper(new JavalinJackson(json, false));
      // Replay paths carry whole URLs ("/web/2024.../https://host/a//b"): keep them as sent.
      config.jetty.modifyHttpConfiguration(http -> {
        http.setUriCompliance(UriCompliance.LEGACY);
        http.setSendServerVersion(false);
      });
      config.jetty.modifyServletContextHandler(h -> {
        h.getServletHandler().setDecodeAmbiguousURIs(true);
        h.setErrorHandler(new JsonErrorHandler.ForServlets());
      });
      config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler.ForServer()));

      config.routes.before(ctx -> {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        // Every /web/ answer, refusals and errors included, is sealed like archived content (the
        // replay page and archived bodies set their own CSP over this one).
        if (ctx.path().startsWith(WaybackUrl.PREFIX) || ctx.path().startsWith(RequestGuard.CAPABILITY_PREFIX)) {
          ctx.header("Content-Security-Policy", Replayer.CSP);
        }
        ctx.attribute(CALLER, guard.check(ctx));
      });

      config.routes.get("/api/health", ctx -> ctx.json(Map.of("status", "ok", "version", VERSION)));
      config.routes.post("/api/saves", saves::create);
      config.routes.get("/api/saves", saves::list);
      config.routes.get("/api/saves/{id}", saves::get);
      config.routes.post("/api/saves/{id}/retry", saves::retry);
      config.routes.delete("/api/saves/{id}", saves::delete);
      config.routes.get("/api/snapshots", snapshots::list);
      config.routes.get("/api/snapshots/{hashUrl}", snapshots::get);
      config.routes.delete("/api/snapshots/{hashUrl}", snapshots::delete);
      config.routes.delete("/api/snapshots/{hashUrl}/{timestamp}", snapshots::delete);
      config.routes.get("/api/stats", snapshots::stats);
      if (imports != null) {
        config.routes.post("/api/imports", imports::create);
        config.routes.get("/api/imports", imports::list);
        config.routes.get("/api/imports/{id}", imports::get);
      }
      config.routes.get("/api/export", exports::export);
      config.routes.get("/api/exports", exports::list);
      config.routes.get("/api/exports/{id}", exports::get);
      config.routes.post("/api/reindex", snapshots::reindex);
      config.routes.get("/api/reindex", snapshots::reindexStatus);
      config.routes.post("/api/login-links", web::loginLink);
      config.routes.post("/api/shutdown", this::shutdown);
      config.routes.get("/login", web::login);
      config.routes.get("/diff/<rest>", diffs::page);
      config.routes.get("/api/snapshots/{hashUrl}/diff", diffs::json);
      config.routes.get("/web/<rest>", web::replay);
      config.routes.get("/timemap/link/<rest>", web::timeMap);
      config.routes.head("/web/<rest>", web::replay);
      config.routes.get("/", web::home);
      config.routes.get("/ui/{file}", web::uiAsset);
      config.routes.get("/reader/{hashUrl}/{timestamp}", reader::reader);
      if (watches != null) {
        config.routes.post("/api/watches", watches::create);
        config.routes.get("/api/watches", watches::list);
        config.routes.get("/api/watches/{id}", watches::get);
        config.routes.post("/api/watches/{id}/check", watches::check);
        config.routes.delete("/api/watches/{id}", watches::delete);
        config.routes.get("/api/snapshots/{hashUrl}/checks", watches::checks);
        config.routes.get("/api/changes", watches::changes);
      }
      config.routes.get("/api/lookup", rot::lookup);
      config.routes.post("/api/rot/check", rot::check);
      config.routes.get("/api/rot", rot::list);
      // The replay site (http://localhost:PORT, see RequestGuard): the same archive paths under a capability.
      config.routes.post("/api/replay-links", web::replayLink);
      config.routes.post("/api/export-tickets", web::exportTicket);
      config.routes.get("/c/{capability}/web/<rest>", web::replay);
      config.routes.head("/c/{capability}/web/<rest>", web::replay);
      config.routes.get("/c/{capability}/timemap/link/<rest>", web::timeMap);
      config.routes.get("/c/{capability}/reader/{hashUrl}/{timestamp}", reader::reader);
      config.routes.get("/c/{capability}/diff/<rest>", diffs::page);

      config.routes.exception(ApiException.class, (e, ctx) -> {
        if (e.status() == 401 && WebController.wantsLoginPage(ctx)) {
          web.loginPage(ctx);
        } else if (e.details().get("reopen") instanceof String again && "document".equalsIgnoreCase(ctx.header("Sec-Fetch-Dest"))) {
          // An expired replay link opened in a tab: the UI's origin mints a fresh one for a logged-in browser.
          ctx.redirect(again, io.javalin.http.HttpStatus.SEE_OTHER);
        } else {
          error(ctx, e.status(), e.code(), e.getMessage(), e.details());
        }
      });
      // Jetty throws these from getContentType()/getCharacterEncoding() for "charset=bogus".
      config.routes.exception(UnsupportedCharsetException.class, (e, ctx) -> badCharset(ctx));
      config.routes.exception(IllegalCharsetNameException.class, (e, ctx) -> badCharset(ctx));
      config.routes.exception(SearchQueryException.class, (e, ctx) -> error(ctx, 400, "bad_query", e.getMessage(), Map.of()));
      config.routes.exception(SearchException.class, (e, ctx) -> {
        log.error("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
        error(ctx, 503, "search_failed", e.getMessage() + " (pagekeep reindex rebuilds the index)", Map.of());
      });
      config.routes.exception(StoreFullException.class, (e, ctx) -> error(ctx, 507, "disk_full", e.getMessage(), Map.of()));
      config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), codeFor(e.getStatus()),
          e.getStatus() == 404 ? "no such endpoint: " + ctx.method() + " " + ctx.path() : e.getMessage(), Map.of()));
      // Javalin decodes path and query parameters with URLDecoder, which throws on "%zz" or "%u0041".
      config.routes.exception(IllegalArgumentException.class, (e, ctx) -> {
        if (String.valueOf(e.getMessage()).startsWith("URLDecoder:")) {
          error(ctx, 400, "bad_request", "the URL has a malformed %-escape", Map.of());
        } else {
          internal(ctx, e);
        }
      });
      config.routes.exception(Exception.class, (e, ctx) -> internal(ctx, e));
    });
  }

  /** The optional parts beyond the archive core; any may be null (its routes then answer 501). */
  public record Features(SearchIndexer search, Importer importer, Watcher watcher, RotChecker rot) {
    public Features(SearchIndexer search, Importer importer) {
      this(search, importer, null, null);
    }

    public static Features none() { return new Features(null, null, null, null); }
  }

  public static HttpApi create(ArchiveStore store, Archiver archiver, Replayer replayer, Sessions sessions) {
    return new HttpApi(store, archiver, replayer, sessions, Features.none());
  }

  public static HttpApi create(ArchiveStore store, Archiver archiver, Replayer replayer, Sessions sessions, Features features) {
    return new HttpApi(store, archiver, replayer, sessions, features);
  }

  /** Binds 127.0.0.1 only; port 0 picks a free port, see {@link #port()}. */
  public HttpApi start(int requestedPort) {
    app.start("127.0.0.1", requestedPort);
    port.set(app.port());
    return this;
  }

  public int port() { return port.get(); }

  private void learnPort() { port.set(app.port()); }

  /** The Javalin app, for tests that start it themselves ({@code JavalinTest.test}). */
  Javalin javalin() { return app; }

  public Sessions sessions() { return sessions; }

  public void stop() { app.stop(); }

  /** What {@code POST /api/shutdown} runs once it has answered; it must not block (start a thread). */
  public HttpApi onShutdown(Runnable action) {
    this.onShutdown = action;
    return this;
  }

  /**
   * {@code POST /api/shutdown}: token only (a browser session, even on one of pagekeep's own
   * pages, cannot stop the service). Answers 202 in full before the service starts stopping.
   */
  private void shutdown(Context ctx) throws java.io.IOException {
    if (ctx.attribute(CALLER) != RequestGuard.Caller.TOKEN) {
      throw ApiException.forbidden("token_required", "stopping the service needs the token (use: pagekeep stop)");
    }
    Runnable action = onShutdown;
    if (action == null) throw new ApiException(501, "not_implemented", "this service cannot be stopped through the API");
    byte[] body = "{\"status\":\"stopping\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ctx.status(202).contentType("application/json");
    ctx.res().setContentLength(body.length);
    ctx.res().getOutputStream().write(body);
    ctx.res().flushBuffer();
    log.info("stopping: asked through POST /api/shutdown");
    action.run();
  }

  private static void internal(Context ctx, Exception e) {
    log.error("{} {} failed: {}", ctx.method(), ctx.path(), e.toString());
    error(ctx, 500, "internal", "the service could not do that: " + e.getClass().getSimpleName(), Map.of());
  }

  private static void badCharset(Context ctx) {
    error(ctx, 415, "unsupported_media_type", "the request's charset is not supported; send UTF-8", Map.of());
  }

  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413, 414, 431 -> "too_large";
      default -> "http_" + status;
    };
  }

  private static void error(Context ctx, int status, String code, String message, Map<String, Object> details) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("code", code);
    err.put("message", message);
    err.putAll(details);
    ctx.status(status).json(Map.of("error", err));
  }
}

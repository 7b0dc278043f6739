package dev.pagekeep.testing;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real origin server on 127.0.0.1 for tests: serves a fixture site from test resources
 * ({@code fixtures/<name>/}) plus misbehaving endpoints, and counts every request it gets so a
 * test can prove replay never touched it.
 */
public final class FixtureSite implements AutoCloseable {
  private final Javalin app;
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();

  public FixtureSite(String name) {
    app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.routes.before(ctx -> requests.incrementAndGet());
      config.routes.get("/status/{code}", ctx -> ctx.status(Integer.parseInt(ctx.pathParam("code"))).result("status page"));
      // Fails with 500 on the first request for each key, then succeeds.
      config.routes.get("/flaky/{key}", ctx -> {
        int n = flaky.computeIfAbsent(ctx.pathParam("key"), k -> new AtomicInteger()).incrementAndGet();
        if (n == 1) ctx.status(500).result("try again");
        else ctx.contentType("text/html").result("<title>Flaky " + ctx.pathParam("key") + "</title><p>recovered</p>");
      });
      config.routes.get("/slow", ctx -> {
        Thread.sleep(1500);
        ctx.contentType("text/html").result("<title>Slow</title><p>took its time</p>");
      });
      config.routes.get("/loop/a", ctx -> ctx.redirect("/loop/b"));
      config.routes.get("/loop/b", ctx -> ctx.redirect("/loop/a"));
      config.routes.get("/big", ctx -> ctx.contentType("text/plain").result("x".repeat(3 * 1024 * 1024)));
      config.routes.get("/page/{n}", ctx -> ctx.contentType("text/html").result(
          "<!doctype html><title>Page " + ctx.pathParam("n") + "</title><link rel=stylesheet href=/css/site.css>"
              + "<h1>Page " + ctx.pathParam("n") + "</h1><img src=/img/logo.png><p>" + "lorem ipsum ".repeat(200) + "</p>"));
      // Incompressible bytes (2 MiB by default), the same for the same n.
      config.routes.get("/random/{n}", ctx -> {
        byte[] b = new byte[Integer.parseInt(ctx.queryParamAsClass("size", String.class).getOrDefault("2097152"))];
        new java.util.Random(Long.parseLong(ctx.pathParam("n"))).nextBytes(b);
        ctx.contentType("application/octet-stream").result(b);
      });
      config.routes.get("/<path>", ctx -> serve(name, ctx));
    });
  }

  private static void serve(String site, io.javalin.http.Context ctx) throws IOException {
    String path = ctx.pathParam("path");
    if (path.isEmpty() || path.endsWith("/")) path += "index.html";
    if (path.contains("..")) {
      ctx.status(400);
      return;
    }
    try (InputStream in = FixtureSite.class.getResourceAsStream("/fixtures/" + site + "/" + path)) {
      if (in == null) {
        ctx.status(404).result("not found");
        return;
      }
      ctx.contentType(contentType(path)).result(in.readAllBytes());
    }
  }

  static String contentType(String path) {
    String p = path.toLowerCase();
    if (p.endsWith(".html")) return "text/html; charset=utf-8";
    if (p.endsWith(".css")) return "text/css";
    if (p.endsWith(".js")) return "application/javascript";
    if (p.endsWith(".png")) return "image/png";
    if (p.endsWith(".gif")) return "image/gif";
    if (p.endsWith(".jpg") || p.endsWith(".jpeg")) return "image/jpeg";
    if (p.endsWith(".svg")) return "image/svg+xml";
    if (p.endsWith(".woff2")) return "font/woff2";
    if (p.endsWith(".woff")) return "font/woff";
    if (p.endsWith(".pdf")) return "application/pdf";
    if (p.endsWith(".txt")) return "text/plain; charset=utf-8";
    return "application/octet-stream";
  }

  public FixtureSite start() {
    app.start("127.0.0.1", 0);
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + app.port() + (path.startsWith("/") ? path : "/" + path);
  }

  public int requestCount() { return requests.get(); }

  @Override
  public void close() {
    app.stop();
  }
}

package dev.pagekeep.watch;

import io.javalin.Javalin;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real origin on 127.0.0.1 whose answers a test sets and changes: {@link #put} a body at a path
 * (with an ETag when asked, honouring If-None-Match), a streamed body of any size at {@code /huge},
 * and a record of the conditional headers each request carried.
 */
final class FeedSite implements AutoCloseable {
  record Answer(String contentType, byte[] body, String etag) {}

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  final List<String> conditionalRequests = new CopyOnWriteArrayList<>();
  final List<String> paths = new CopyOnWriteArrayList<>();
  private final Javalin app;

  FeedSite() {
    app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.routes.before(ctx -> paths.add(ctx.path()));
      config.routes.get("/huge", ctx -> {
        long size = Long.parseLong(ctx.queryParamAsClass("mb", String.class).getOrDefault("50")) * 1024 * 1024;
        ctx.contentType("application/rss+xml");
        if (ctx.queryParam("chunked") == null) ctx.header("Content-Length", String.valueOf(size));
        ctx.result(new Filler(size));
      });
      config.routes.get("/<path>", ctx -> {
        Answer a = answers.get("/" + ctx.pathParam("path"));
        if (a == null) {
          ctx.status(404).result("not found");
          return;
        }
        String inm = ctx.header("If-None-Match");
        if (inm != null) conditionalRequests.add(ctx.path() + " If-None-Match: " + inm);
        if (a.etag() != null) {
          ctx.header("ETag", a.etag());
          if (a.etag().equals(inm)) {
            ctx.status(304);
            return;
          }
        }
        ctx.contentType(a.contentType()).result(a.body());
      });
    }).start("127.0.0.1", 0);
  }

  String url(String path) {
    return "http://127.0.0.1:" + app.port() + path;
  }

  FeedSite put(String path, String contentType, String body) {
    return put(path, contentType, body, null);
  }

  FeedSite put(String path, String contentType, String body, String etag) {
    answers.put(path, new Answer(contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), etag));
    return this;
  }

  /** An article page with the given text. */
  FeedSite page(String path, String text) {
    return put(path, "text/html; charset=utf-8", "<!doctype html><title>" + path + "</title><p>" + text + "</p>");
  }

  @Override
  public void close() {
    app.stop();
  }

  /** {@code size} bytes of an RSS document that never ends, made as they are read. */
  private static final class Filler extends InputStream {
    private static final byte[] HEAD = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>".getBytes();
    private long left;
    private long pos;

    Filler(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      if (left == 0) return -1;
      left--;
      return pos < HEAD.length ? HEAD[(int) pos++] : 'x';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) return -1;
      int n = (int) Math.min(len, left);
      for (int i = 0; i < n; i++) b[off + i] = (byte) (pos < HEAD.length ? HEAD[(int) pos++] : 'x');
      left -= n;
      return n;
    }
  }
}

package dev.pagekeep.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1, port 0, serving bodies a test puts by path (404 otherwise);
 * {@link FixtureSite} serves a fixture site from test resources instead.
 */
public final class PathSite implements AutoCloseable {
  public record Body(String contentType, byte[] bytes) {}

  private final HttpServer server;
  private final Map<String, Body> bodies = new ConcurrentHashMap<>();

  public PathSite() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", exchange -> {
      Body b = bodies.get(exchange.getRequestURI().getRawPath());
      try (OutputStream out = exchange.getResponseBody()) {
        if (b == null) {
          byte[] msg = "not here".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(404, msg.length);
          out.write(msg);
        } else {
          exchange.getResponseHeaders().add("Content-Type", b.contentType());
          exchange.sendResponseHeaders(200, b.bytes().length == 0 ? -1 : b.bytes().length);
          out.write(b.bytes());
        }
      }
    });
    server.start();
  }

  public PathSite html(String path, String html) {
    bodies.put(path, new Body("text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8)));
    return this;
  }

  public PathSite file(String path, String contentType, byte[] bytes) {
    bodies.put(path, new Body(contentType, bytes));
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

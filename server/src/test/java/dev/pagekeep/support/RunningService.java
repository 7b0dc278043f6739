package dev.pagekeep.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.Service;
import dev.pagekeep.config.Config;
import dev.pagekeep.config.DataDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The real service on a temporary data directory, port 0, with a token-holding client. */
public final class RunningService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path data;
  private Service service;
  private final HttpClient http = HttpClient.newHttpClient();

  public RunningService(Path data) {
    this.data = data;
    start();
  }

  public void start() {
    service = Service.start(Config.defaults(DataDir.resolve(data), 0));
  }

  public void stop() {
    service.close();
  }

  public Service service() { return service; }
  public Path data() { return data; }
  public String token() { return DataDir.resolve(data).readToken(); }

  public record Reply(int status, JsonNode json, byte[] bytes) {}

  public Reply call(String method, String path, Object jsonBody) {
    try {
      HttpRequest.BodyPublisher body = jsonBody == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(jsonBody));
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
          .header("Authorization", "Bearer " + token())
          .method(method, body);
      if (jsonBody != null) b.header("Content-Type", "application/json");
      return send(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Reply upload(String path, String contentType, byte[] body) {
    return send(HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
        .header("Authorization", "Bearer " + token()).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  private Reply send(HttpRequest req) {
    try {
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = null;
      String type = r.headers().firstValue("Content-Type").orElse("");
      if (type.startsWith("application/json")) json = JSON.readTree(r.body());
      return new Reply(r.statusCode(), json, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET /api/snapshots?q=... */
  public JsonNode search(String q) {
    Reply r = call("GET", "/api/snapshots?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), null);
    if (r.status() != 200) throw new AssertionError("search " + q + ": " + r.status() + " " + r.json());
    return r.json().path("snapshots");
  }

  /** Saves the URLs and waits (up to a minute) until every save is done or failed. */
  public List<JsonNode> saveAndWait(List<String> urls) {
    Reply r = call("POST", "/api/saves", Map.of("urls", urls, "source", "api"));
    if (r.status() != 202) throw new AssertionError("save: " + r.status() + " " + r.json());
    List<Long> ids = new java.util.ArrayList<>();
    for (JsonNode s : r.json().path("saves")) ids.add(s.path("id").asLong());
    return ids.stream().map(this::awaitSave).toList();
  }

  public JsonNode awaitSave(long id) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode s = call("GET", "/api/saves/" + id, null).json();
      String state = s.path("state").asText();
      if (state.equals("done") || state.equals("failed")) return s;
      pause(50);
    }
    throw new AssertionError("save " + id + " did not finish within a minute");
  }

  public static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    service.close();
  }
}

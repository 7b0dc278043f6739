package dev.pagekeep.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.Service;
import dev.pagekeep.config.Config;
import dev.pagekeep.config.DataDir;
import dev.pagekeep.config.FetchLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import okhttp3.Dns;

/**
 * The one harness for tests of the whole service: the real {@link Service} in-process on port 0
 * over a data directory (MapDB, Lucene, the fetcher, the API), with a token-holding client and
 * the waits every test needs. Built with {@link #builder(Path)}:
 *
 * <pre>{@code
 * try (ServiceHarness h = ServiceHarness.builder(dir).fetch(limits).site(new FixtureSite("core-site")).start()) {
 *   JsonNode save = h.awaitSave(h.save(h.site().url("/page/1")));
 * }
 * }</pre>
 *
 * The shipped jar as a real process is {@link Cli#jar}; the command line in this JVM is {@link Cli#run}.
 */
public final class ServiceHarness implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Every wait's deadline unless a test names its own. */
  public static final Duration DEADLINE = Duration.ofSeconds(60);
  /** The states a save ends in (needs-browser included: it waits for a browser, not for the service). */
  public static final Set<String> SETTLED = Set.of("done", "failed", "needs-browser");

  private final Path data;
  private final UnaryOperator<Config> configure;
  private final AutoCloseable site;
  private final Dns dns;
  private final HttpClient client = HttpClient.newHttpClient();
  private Service service;
  private RawHttp http;

  private ServiceHarness(Builder b) {
    this.data = b.data;
    this.site = b.site;
    this.configure = b.configure;
    this.dns = b.dns;
    start();
  }

  /** A harness over {@code data} (created when missing), default limits, no fixture site. */
  public static Builder builder(Path data) { return new Builder(data); }

  /** Options of a harness; {@link #start()} starts the service. */
  public static final class Builder {
    private final Path data;
    private UnaryOperator<Config> configure = c -> c;
    private AutoCloseable site;
    private Dns dns = Dns.SYSTEM;

    private Builder(Path data) { this.data = data; }

    /** How the service resolves host names (to reach {@code bücher.example} on 127.0.0.1, say). */
    public Builder dns(Dns resolver) {
      this.dns = resolver;
      return this;
    }

    /** The fetcher's limits (retries, timeouts, body cap) instead of the defaults. */
    public Builder fetch(FetchLimits limits) { return config(c -> c.withFetch(limits)); }

    /** Any other change to the configuration (applied after the ones before it). */
    public Builder config(UnaryOperator<Config> change) {
      UnaryOperator<Config> before = configure;
      configure = c -> change.apply(before.apply(c));
      return this;
    }

    /** A fixture origin (FixtureSite, FeedSite, a Javalin app...) the harness closes with the service. */
    public Builder site(AutoCloseable site) {
      this.site = site;
      return this;
    }

    public ServiceHarness start() { return new ServiceHarness(this); }
  }

  /** Starts the service again (after {@link #stop()}) on the same data directory. */
  public void start() {
    service = Service.start(configure.apply(Config.defaults(DataDir.resolve(data), 0)), dns);
    http = new RawHttp(service.port(), token());
  }

  /** Stops the service (the data directory stays; {@link #start()} opens it again). */
  public void stop() {
    if (service != null) service.close();
    service = null;
  }

  /** Stops and starts the service: what survives a restart. */
  public void restart() {
    stop();
    start();
  }

  public Service service() { return service; }
  public Path data() { return data; }
  public int port() { return service.port(); }
  public String baseUrl() { return service.baseUrl(); }
  public String token() { return DataDir.resolve(data).readToken(); }
  /** The raw HTTP client holding the token (headers, bytes, replay paths). */
  public RawHttp http() { return http; }
  @SuppressWarnings("unchecked")
  public <S extends AutoCloseable> S site() { return (S) site; }

  // ---------------------------------------------------------------- saves and waits

  /** POST /api/saves for one URL (source {@code api}); its id. */
  public long save(String url) { return save(url, "api"); }

  public long save(String url, String source) {
    RawHttp.Reply r = http.post("/api/saves", Map.of("url", url, "source", source));
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    return r.json().path("saves").get(0).path("id").asLong();
  }

  /** The save once it is done, failed or needs the browser ({@link #DEADLINE} at most). */
  public JsonNode awaitSave(long id) { return awaitSave(id, DEADLINE); }

  public JsonNode awaitSave(long id, Duration within) {
    return Await.value("save " + id + " settled", within, () -> http.get("/api/saves/" + id).json(),
        s -> SETTLED.contains(s.path("state").asText()));
  }

  /** Saves the URLs and waits until every save has settled. */
  public List<JsonNode> saveAndWait(List<String> urls) {
    Reply r = call("POST", "/api/saves", Map.of("urls", urls, "source", "api"));
    if (r.status() != 202) throw new AssertionError("save: " + r.status() + " " + r.json());
    List<Long> ids = new ArrayList<>();
    for (JsonNode s : r.json().path("saves")) ids.add(s.path("id").asLong());
    return ids.stream().map(this::awaitSave).toList();
  }

  /** Waits, on the dispatcher's idle callback, until no save is queued or fetching. */
  public void awaitIdle() {
    Await.idle(service.archiver().dispatcher(), DEADLINE, () -> {
      JsonNode saves = http.get("/api/stats").json().path("saves");
      return saves.path("queued").asLong() == 0 && saves.path("fetching").asLong() == 0;
    });
  }

  /** GET /api/snapshots?q=... : the matching snapshots. */
  public JsonNode search(String q) {
    Reply r = call("GET", "/api/snapshots?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), null);
    if (r.status() != 200) throw new AssertionError("search " + q + ": " + r.status() + " " + r.json());
    return r.json().path("snapshots");
  }

  // ---------------------------------------------------------------- JSON calls

  /** A reply: status, the JSON body when it is JSON, the bytes always. */
  public record Reply(int status, JsonNode json, byte[] bytes) {}

  /** An API call with the token; {@code jsonBody} is sent as JSON when not null. */
  public Reply call(String method, String path, Object jsonBody) {
    try {
      HttpRequest.BodyPublisher body = jsonBody == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(jsonBody));
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
          .header("Authorization", "Bearer " + token())
          .method(method, body);
      if (jsonBody != null) b.header("Content-Type", "application/json");
      return send(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** POSTs raw bytes (an import) with the token. */
  public Reply upload(String path, String contentType, byte[] body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .header("Authorization", "Bearer " + token()).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  private Reply send(HttpRequest req) {
    try {
      HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
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

  @Override
  public void close() {
    stop();
    if (site != null) {
      try {
        site.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the fixture site", e);
      }
    }
  }
}

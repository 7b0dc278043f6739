package dev.pagekeep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.pagekeep.Service;
import dev.pagekeep.config.Config;
import dev.pagekeep.config.DataDir;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.RawHttp.Reply;
import dev.pagekeep.testing.RawHttp;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/saves} with {@code "resources"} and {@code "status"}: the requisites the browser
 * fetched with its own session are stored instead of fetched again, what it could not give is
 * fetched by the service, and bad or oversized input is refused with a one-line reason.
 */
class BrowserResourcesTest {
  @TempDir Path dir;
  private Service service;
  private RawHttp http;
  private HttpServer origin;
  private final AtomicInteger originHits = new AtomicInteger();
  private static final byte[] SECRET = "secret image bytes \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] PUBLIC = "public image bytes".getBytes(StandardCharsets.UTF_8);

  @BeforeEach
  void start() throws Exception {
    origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext("/", ex -> {
      originHits.incrementAndGet();
      boolean open = ex.getRequestURI().getPath().equals("/public.png");
      byte[] body = open ? PUBLIC : "log in first".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", open ? "image/png" : "text/plain");
      ex.sendResponseHeaders(open ? 200 : 403, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    origin.start();
    FetchLimits limits = FetchLimits.defaults()
        .withRetries(1, Duration.ofMillis(10), Duration.ofMillis(20))
        .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(10));
    service = Service.start(Config.defaults(DataDir.resolve(dir.resolve("data")), 0).withFetch(limits));
    http = new RawHttp(service.port(), service.config().dataDir().readToken());
  }

  @AfterEach
  void stop() {
    if (service != null) service.close();
    origin.stop(0);
  }

  private String site(String path) {
    return "http://127.0.0.1:" + origin.getAddress().getPort() + path;
  }

  private static Map<String, Object> resource(String url, String type, Object status, String base64) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("url", url);
    if (type != null) r.put("contentType", type);
    if (status != null) r.put("status", status);
    r.put("base64", base64);
    return r;
  }

  private Map<String, Object> save(Object resources) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("url", site("/page.html"));
    body.put("html", "<img src=\"/secret.png\">");
    body.put("source", "toolbar");
    body.put("resources", resources);
    return body;
  }

  private JsonNode awaitDone(Reply accepted) {
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
    long id = accepted.json().at("/saves/0/id").asLong();
    return Await.value("save " + id + " done", Duration.ofSeconds(30), () -> http.get("/api/saves/" + id).json(), s -> {
      assertThat(s.path("state").asText()).as(s.toString()).isNotEqualTo("failed");
      return s.path("state").asText().equals("done");
    });
  }

  private void assertRefused(Object body, int status, String messagePart) {
    Reply r = http.post("/api/saves", body);
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.json().at("/error/message").asText()).contains(messagePart).doesNotContain("\n");
  }

  @Test
  void storesTheBrowsersResourceInsteadOfFetchingItAndTheDocumentsStatus() throws Exception {
    Map<String, Object> body = save(List.of(resource(site("/secret.png#frag"), "image/png", 200,
        Base64.getEncoder().encodeToString(SECRET))));
    body.put("status", 404);
    body.put("html", "<img src=\"/secret.png\"><img src=\"/public.png\">");
    JsonNode done = awaitDone(http.post("/api/saves", body));
    String ts = done.at("/snapshot/timestamp").asText();

    Reply image = http.get("/web/" + ts + "im_/" + site("/secret.png"));
    assertThat(image.status()).isEqualTo(200);
    assertThat(image.body()).isEqualTo(SECRET);
    // What the browser did not send is fetched by the service, as before.
    Reply open = http.get("/web/" + ts + "im_/" + site("/public.png"));
    assertThat(open.body()).isEqualTo(PUBLIC);
    assertThat(originHits.get()).as("only public.png was fetched by the service").isEqualTo(1);

    JsonNode versions = http.get("/api/snapshots/" + UrlKeys.urlKey(site("/page.html"))).json().path("versions");
    assertThat(versions.get(0).path("status").asInt()).isEqualTo(404);
  }

  @Test
  void aResourceTheBrowserGotAsAnErrorIsFetchedByTheServiceInstead() throws Exception {
    Map<String, Object> body = save(List.of(resource(site("/public.png"), "text/html", 500,
        Base64.getEncoder().encodeToString("<h1>oops</h1>".getBytes(StandardCharsets.UTF_8)))));
    body.put("html", "<img src=\"/public.png\">");
    String ts = awaitDone(http.post("/api/saves", body)).at("/snapshot/timestamp").asText();
    assertThat(http.get("/web/" + ts + "im_/" + site("/public.png")).body()).isEqualTo(PUBLIC);
  }

  @Test
  void deletingTheSaveReleasesTheResourceBlobs() throws Exception {
    JsonNode done = awaitDone(http.post("/api/saves", save(List.of(resource(site("/secret.png"), "image/png", null,
        Base64.getEncoder().encodeToString(SECRET))))));
    assertThat(http.delete("/api/snapshots/" + done.at("/snapshot/hashUrl").asText()).status()).isEqualTo(200);
    // The archiver lets go of a save just after it is done: until then a delete answers 409.
    int status = Await.value("the save deletable", Duration.ofSeconds(10),
        () -> http.delete("/api/saves/" + done.path("id").asLong()).status(), st -> st != 409);
    assertThat(status).isEqualTo(200);
    assertThat(http.get("/api/stats").json().at("/bytes/stored").asLong()).isZero();
  }

  @Test
  void refusesMalformedResourcesWithOneLineReasons() {
    String ok = Base64.getEncoder().encodeToString(SECRET);
    assertRefused(save("not a list"), 400, "\"resources\" must be an array");
    assertRefused(save(List.of("x")), 400, "resources[0] must be an object");
    assertRefused(save(List.of(resource("file:///etc/passwd", null, null, ok))), 400, "resources[0].url must be an http or https URL");
    assertRefused(save(List.of(resource(site("/a"), null, null, "***"))), 400, "resources[0].base64 is not valid base64");
    assertRefused(save(List.of(resource(site("/a"), null, 99, ok))), 400, "resources[0].status must be an HTTP status");
    assertRefused(save(List.of(resource(site("/a"), "text/html\r\nX-Evil: 1", null, ok))), 400, "resources[0].contentType");
    Map<String, Object> noBody = new LinkedHashMap<>(resource(site("/a"), null, null, ok));
    noBody.remove("base64");
    assertRefused(save(List.of(noBody)), 400, "\"resources[0].base64\" must be a string");
    Map<String, Object> many = save(List.of(resource(site("/a"), null, null, ok)));
    many.remove("url");
    many.put("urls", List.of(site("/1"), site("/2")));
    many.remove("html");
    assertRefused(many, 400, "\"resources\" go with exactly one \"url\"");
    Map<String, Object> statusWithoutHtml = new LinkedHashMap<>(Map.of("url", site("/p"), "status", 404));
    assertRefused(statusWithoutHtml, 400, "\"status\" goes with \"html\"");
    Map<String, Object> badStatus = save(null);
    badStatus.put("status", "404");
    assertRefused(badStatus, 400, "\"status\" must be an HTTP status");
  }

  @Test
  void refusesResourcesOverTheBounds() {
    List<Object> tooMany = new ArrayList<>();
    for (int i = 0; i <= SavesController.MAX_RESOURCES; i++) tooMany.add(resource(site("/r" + i), null, null, ""));
    assertRefused(save(tooMany), 413, "at most " + SavesController.MAX_RESOURCES + " resources");

    String big = Base64.getEncoder().encodeToString(new byte[SavesController.MAX_RESOURCE_BYTES + 1]);
    assertRefused(save(List.of(resource(site("/big"), null, null, big))), 413, "resources[0] is over");

    String part = Base64.getEncoder().encodeToString(new byte[SavesController.MAX_RESOURCE_BYTES]);
    List<Object> together = new ArrayList<>();
    for (int i = 0; i < SavesController.MAX_RESOURCES_TOTAL_BYTES / SavesController.MAX_RESOURCE_BYTES + 1; i++) {
      together.add(resource(site("/part" + i), null, null, part));
    }
    assertRefused(save(together), 413, "the resources are over");
    assertThat(http.get("/api/stats").json().at("/saves/queued").asLong()).as("nothing refused was queued").isZero();
  }
}

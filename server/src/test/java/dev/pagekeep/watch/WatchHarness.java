package dev.pagekeep.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.Service;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.RawHttp.Reply;
import dev.pagekeep.testing.ServiceHarness;
import dev.pagekeep.watch.FeedTexts.Item;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The real service on port 0 with a real local origin ({@link FeedSite}) and helpers to watch it. */
abstract class WatchHarness {
  @TempDir Path dir;
  FeedSite site;
  ServiceHarness harness;
  Service service;
  RawHttp http;

  @BeforeEach
  void start() {
    FetchLimits limits = FetchLimits.defaults()
        .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100))
        .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(20));
    site = new FeedSite();
    harness = ServiceHarness.builder(dir.resolve("data")).fetch(limits).site(site).start();
    service = harness.service();
    http = harness.http();
  }

  /** Stops the service and starts it again on the same data directory. */
  void restartService() {
    harness.restart();
    service = harness.service();
    http = harness.http();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  // ---------------------------------------------------------------- helpers

  JsonNode addWatch(Map<String, Object> body) {
    Reply r = http.post("/api/watches", body);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode w = r.json();
    return awaitChecked(w.path("id").asLong());
  }

  /** The watch once its first check (started by the add) is recorded. */
  JsonNode awaitChecked(long id) {
    return Await.value("watch " + id + " checked", Duration.ofSeconds(30), () -> http.get("/api/watches/" + id).json(),
        w -> w.has("lastCheck"));
  }

  JsonNode check(long id) {
    Reply r = http.post("/api/watches/" + id + "/check", Map.of());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  void awaitIdle() {
    harness.awaitIdle();
  }

  Set<String> snapshotUrls() {
    Set<String> out = new TreeSet<>();
    for (JsonNode s : http.get("/api/snapshots?limit=500").json().path("snapshots")) out.add(s.path("url").asText());
    return out;
  }

  long savesMade() {
    JsonNode saves = http.get("/api/stats").json().path("saves");
    return saves.path("queued").asLong() + saves.path("fetching").asLong() + saves.path("done").asLong()
        + saves.path("failed").asLong();
  }

  Set<String> urls(String... paths) {
    Set<String> out = new TreeSet<>();
    for (String p : paths) out.add(site.url(p));
    return out;
  }

  Item item(String id, String post, String... linkedPaths) {
    StringBuilder html = new StringBuilder("<p>Post " + id + " reads");
    for (String p : linkedPaths) html.append(" <a href=\"").append(p.startsWith("/") ? site.url(p) : p).append("\">this</a>");
    return new Item(id, site.url(post), "Post " + id, html.append("</p>").toString());
  }

}

package dev.pagekeep.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.Service;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.RawHttp.Reply;
import dev.pagekeep.testing.ServiceHarness;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service on port 0 against a real origin on 127.0.0.1 that puts walls in front of
 * some pages: those saves end as {@code needs-browser} (listed, counted, kept across a restart),
 * and the DOM a browser sends for one of them ends it as done with the browser's page.
 */
class NeedsBrowserIT {
  private static final String CHALLENGE = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
      + "<script>window._cf_chl_opt={cvId:'3'};</script>"
      + "<script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1\"></script></body></html>";

  @TempDir Path dir;
  private Javalin origin;
  private ServiceHarness harness;
  private Service service;
  private RawHttp http;

  @BeforeEach
  void start() {
    origin = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.routes.get("/article", ctx -> ctx.contentType("text/html").result(
          "<!doctype html><title>Article</title><h1>An ordinary article</h1><p>" + "Plain words. ".repeat(50) + "</p>"));
      c.routes.get("/forbidden", ctx -> ctx.status(403).contentType("text/plain").result("Forbidden"));
      c.routes.get("/login-required", ctx -> ctx.status(401).result("Unauthorized"));
      c.routes.get("/challenge", ctx -> ctx.contentType("text/html").result(CHALLENGE));
      c.routes.get("/missing", ctx -> ctx.status(404).result("gone"));
    }).start("127.0.0.1", 0);
    FetchLimits limits = FetchLimits.defaults()
        .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(50))
        .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(10));
    harness = ServiceHarness.builder(dir.resolve("data")).fetch(limits).site(origin::stop).start();
    service = harness.service();
    http = harness.http();
  }

  private void restartService() {
    harness.restart();
    service = harness.service();
    http = harness.http();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + origin.port() + path;
  }

  private long save(String url) {
    return harness.save(url, "context-menu");
  }

  private JsonNode awaitSettled(long id) {
    return harness.awaitSave(id, Duration.ofSeconds(30));
  }

  @Test
  void wallsEndAsNeedsBrowserWhileOrdinaryPagesAndPlainErrorsDoNot() throws Exception {
    JsonNode article = awaitSettled(save(url("/article")));
    JsonNode forbidden = awaitSettled(save(url("/forbidden")));
    JsonNode login = awaitSettled(save(url("/login-required")));
    JsonNode challenge = awaitSettled(save(url("/challenge")));
    JsonNode missing = awaitSettled(save(url("/missing")));

    assertThat(article.path("state").asText()).as(article.toString()).isEqualTo("done");
    assertThat(missing.path("state").asText()).as(missing.toString()).isEqualTo("failed");
    assertThat(forbidden.path("state").asText()).isEqualTo("needs-browser");
    assertThat(forbidden.path("error").asText()).contains("HTTP 403").contains("browser");
    assertThat(login.path("state").asText()).isEqualTo("needs-browser");
    assertThat(login.path("error").asText()).contains("HTTP 401");
    assertThat(challenge.path("state").asText()).isEqualTo("needs-browser");
    assertThat(challenge.path("error").asText()).contains("Cloudflare challenge");
    assertThat(challenge.has("snapshot")).isFalse();
    assertThat(http.get("/web/" + url("/challenge")).status()).as("the wall was not stored as the page").isEqualTo(404);

    List<String> listed = new ArrayList<>();
    for (JsonNode s : http.get("/api/saves?state=needs-browser").json().path("saves")) listed.add(s.path("url").asText());
    assertThat(listed).containsExactlyInAnyOrder(url("/forbidden"), url("/login-required"), url("/challenge"));
    assertThat(http.get("/api/stats").json().path("saves").path("needsBrowser").asLong()).isEqualTo(3);
  }

  @Test
  void needsBrowserSavesSurviveARestartAndTheBrowsersDomFinishesThem() throws Exception {
    long id = save(url("/challenge"));
    assertThat(awaitSettled(id).path("state").asText()).isEqualTo("needs-browser");

    restartService();
    JsonNode again = http.get("/api/saves/" + id).json();
    assertThat(again.path("state").asText()).isEqualTo("needs-browser");
    assertThat(again.path("error").asText()).contains("Cloudflare challenge");
    assertThat(http.get("/api/saves?state=needs-browser").json().path("saves")).hasSize(1);
    assertThat(http.get("/api/stats").json().path("saves").path("needsBrowser").asLong()).isEqualTo(1);

    // Refused: another URL, no HTML, an unknown save.
    assertThat(http.post("/api/saves", Map.of("url", url("/article"), "html", "<p>x", "saveId", id)).status()).isEqualTo(400);
    assertThat(http.post("/api/saves", Map.of("url", url("/challenge"), "saveId", id)).status()).isEqualTo(400);
    assertThat(http.post("/api/saves", Map.of("url", url("/challenge"), "html", "<p>x", "saveId", 9999)).status()).isEqualTo(404);

    String dom = "<!doctype html><html><head><title>The real page</title></head><body><p>text the browser saw</p></body></html>";
    Reply r = http.post("/api/saves", Map.of("url", url("/challenge"), "html", dom, "title", "The real page",
        "source", "context-menu", "saveId", id));
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    assertThat(r.json().path("saves").get(0).path("id").asLong()).as("the same save, not a new one").isEqualTo(id);

    JsonNode done = awaitSettled(id);
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("done");
    assertThat(done.path("source").asText()).isEqualTo("context-menu");
    Reply replay = http.replayed(done.path("snapshot").path("replay").asText());
    assertThat(replay.text()).contains("text the browser saw").doesNotContain("Just a moment");
    assertThat(http.get("/api/stats").json().path("saves").path("needsBrowser").asLong()).isZero();
    // Done now: a second browser capture for it is refused.
    assertThat(http.post("/api/saves", Map.of("url", url("/challenge"), "html", dom, "saveId", id)).status()).isEqualTo(409);
  }
}

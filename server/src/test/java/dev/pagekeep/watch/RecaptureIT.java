package dev.pagekeep.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.model.UrlKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Re-capture on a schedule: an unchanged page costs a "checked, unchanged" mark, a changed one a new version. */
class RecaptureIT extends WatchHarness {
  private static final String HEAD = "<!doctype html><title>Prices</title><script>var t = ";

  private JsonNode versions(String url) {
    return http.get("/api/snapshots/" + UrlKeys.hashUrl(url)).json().path("versions");
  }

  @Test
  void anUnchangedRecaptureAddsNoSnapshotAndAChangedOneAddsAVersionWithItsDiff() {
    String url = site.url("/prices");
    site.put("/prices", "text/html", HEAD + "1;</script><h1>Prices</h1><p>Apples cost 3 euros.</p>");
    JsonNode w = addWatch(Map.of("url", url, "recapture", true, "every", "1d"));
    assertThat(w.path("recapture").asBoolean()).isTrue();
    assertThat(w.path("lastResult").asText()).isEqualTo("first capture queued");
    awaitIdle();
    assertThat(versions(url)).hasSize(1);
    String first = versions(url).get(0).path("timestamp").asText();

    // Only a script changed: the visible text is the same, so no snapshot is stored.
    site.put("/prices", "text/html", HEAD + "2;</script><h1>Prices</h1><p>Apples cost 3 euros.</p>");
    JsonNode unchanged = check(w.path("id").asLong());
    awaitIdle();
    assertThat(unchanged.path("lastResult").asText()).isEqualTo("unchanged");
    assertThat(versions(url)).hasSize(1);
    JsonNode checks = http.get("/api/snapshots/" + UrlKeys.hashUrl(url) + "/checks").json().path("checks");
    assertThat(checks).hasSize(1);
    assertThat(checks.get(0).path("result").asText()).isEqualTo("unchanged");
    assertThat(checks.get(0).path("since").asText()).isEqualTo(first);
    assertThat(http.get("/api/changes").json().path("changes")).isEmpty();

    site.put("/prices", "text/html", HEAD + "3;</script><h1>Prices</h1><p>Apples cost 5 euros.</p>");
    JsonNode changed = check(w.path("id").asLong());
    awaitIdle();
    assertThat(changed.path("lastResult").asText()).startsWith("changed since the version of " + dev.pagekeep.model.Timestamps.parse(first));
    JsonNode vs = versions(url);
    assertThat(vs).hasSize(2);
    String second = vs.get(1).path("timestamp").asText();
    assertThat(vs.get(1).path("unchanged").asBoolean()).isFalse();

    JsonNode diff = http.get("/api/snapshots/" + UrlKeys.hashUrl(url) + "/diff?from=" + first + "&to=" + second).json();
    assertThat(diff.toString()).contains("Apples cost 3 euros.").contains("Apples cost 5 euros.");
    JsonNode changes = http.get("/api/changes").json().path("changes");
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).path("url").asText()).isEqualTo(url);
    assertThat(changes.get(0).path("since").asText()).isEqualTo(first);
    assertThat(http.get("/api/snapshots/" + UrlKeys.hashUrl(url) + "/checks").json().path("checks"))
        .extracting(c -> c.path("result").asText()).containsExactly("unchanged", "changed");
  }

  @Test
  void aNotModifiedAnswerIsAnUnchangedCheck() {
    String url = site.url("/doc");
    site.put("/doc", "text/html", "<!doctype html><title>Doc</title><p>v1</p>", "\"e1\"");
    JsonNode w = addWatch(Map.of("url", url, "recapture", true));
    awaitIdle();
    JsonNode again = check(w.path("id").asLong());
    awaitIdle();
    assertThat(site.conditionalRequests).contains("/doc If-None-Match: \"e1\"");
    assertThat(again.path("lastResult").asText()).isEqualTo("unchanged");
    assertThat(versions(url)).hasSize(1);
  }
}

package dev.pagekeep.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import dev.pagekeep.testing.ServiceHarness;
import dev.pagekeep.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/snapshots?group=url}: one entry per URL at its newest snapshot, paged without repeats. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupedListTest {
  static final String A = "https://a.example/";
  static final String B = "https://b.example/";
  static final String C = "https://c.example/";

  @TempDir static Path data; // static: an instance field is still null in a PER_CLASS @BeforeAll
  ServiceHarness svc;
  RawHttp http;

  @BeforeAll
  void archive() {
    svc = ServiceHarness.builder(data).start();
    // Interleaved: A three times (the same text twice, then new text), B twice, C once.
    put(A, "20240101000001", "one", List.of("news"));
    put(B, "20240101000002", "b", null);
    put(A, "20240101000003", "one", List.of("news"));
    put(C, "20240101000004", "c", List.of("to read", "science"));
    put(B, "20240101000005", "b2", null);
    put(A, "20240101000006", "two", List.of("news"));
    http = new RawHttp(svc.service().port(), svc.token());
  }

  @AfterAll
  void stop() {
    svc.close();
  }

  void put(String url, String ts, String text, List<String> tags) {
    Blob body = Blob.of(("<title>" + url + "</title>" + text).getBytes(StandardCharsets.UTF_8));
    Blob plain = Blob.of(text.getBytes(StandardCharsets.UTF_8));
    Capture c = new Capture(UrlKeys.urlKey(url), url, ts, Capture.PAGE, 200, "text/html; charset=utf-8", url,
        List.of("Content-Type: text/html; charset=utf-8"), body.digest(), body.size(), url, plain.digest(), List.of(), "import", tags);
    svc.service().store().putSnapshot(new StoredCapture(c, body, plain), List.of());
  }

  @Test
  void oneEntryPerUrlWithItsNewestSnapshotVersionsAndTags() {
    JsonNode list = http.get("/api/snapshots?group=url").json().path("snapshots");
    assertThat(list).hasSize(3);
    assertThat(list.findValuesAsText("url")).containsExactly(A, B, C);
    assertThat(list.findValuesAsText("timestamp")).containsExactly("20240101000006", "20240101000005", "20240101000004");
    assertThat(list.get(0).path("versions").asInt()).isEqualTo(3);
    assertThat(list.get(1).path("versions").asInt()).isEqualTo(2);
    assertThat(list.get(2).path("versions").asInt()).isEqualTo(1);
    assertThat(list.get(2).path("tags").toString()).isEqualTo("[\"to read\",\"science\"]");
    // Ungrouped, the list is unchanged: every snapshot.
    assertThat(http.get("/api/snapshots").json().path("snapshots")).hasSize(6);
    assertThat(http.get("/api/snapshots?group=host").status()).isEqualTo(400);
  }

  @Test
  void pagingOneAtATimeListsEveryUrlOnce() {
    List<String> urls = new ArrayList<>();
    String cursor = null;
    for (int i = 0; i < 10; i++) {
      JsonNode page = http.get("/api/snapshots?group=url&limit=1" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.path("snapshots").forEach(s -> urls.add(s.path("url").asText()));
      if (!page.has("next")) break;
      cursor = page.path("next").asText();
    }
    assertThat(urls).containsExactly(A, B, C);
  }

  @Test
  void aVersionWithTheSameTextAsTheOneBeforeIsMarkedUnchanged() {
    JsonNode versions = http.get("/api/snapshots/" + UrlKeys.hashUrl(A)).json().path("versions");
    assertThat(versions.findValuesAsText("unchanged")).containsExactly("false", "true", "false");
  }
}

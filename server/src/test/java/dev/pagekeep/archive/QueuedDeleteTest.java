package dev.pagekeep.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.testing.RawHttp.Reply;
import dev.pagekeep.testing.ServiceHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saves start from the copy the API announced (no store read); one deleted while it waits its
 * turn must still never be fetched or archived, and the pages behind it go on.
 */
class QueuedDeleteTest {
  @TempDir Path dir;

  @Test
  void aQueuedSaveDeletedBeforeItStartsIsNeverFetched() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Set<String> asked = ConcurrentHashMap.newKeySet();
    MockWebServer origin = new MockWebServer();
    origin.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        String path = request.getUrl().encodedPath();
        asked.add(path);
        if (path.equals("/first")) release.await(20, TimeUnit.SECONDS); // holds the host's one slot
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html; charset=utf-8")
            .body("<title>" + path + "</title><p>page " + path).build();
      }
    });
    origin.start();
    try (ServiceHarness h = ServiceHarness.builder(dir.resolve("data")).site(origin)
        .config(c -> c.withMaxPagesPerHost(1)).start()) {
      Reply queued = h.http().post("/api/saves", Map.of("urls",
          List.of(origin.url("/first").toString(), origin.url("/second").toString(), origin.url("/third").toString())));
      assertThat(queued.status()).as(queued.text()).isEqualTo(202);
      long second = queued.json().path("saves").get(1).path("id").asLong();
      long third = queued.json().path("saves").get(2).path("id").asLong();

      Reply deleted = h.http().delete("/api/saves/" + second);
      assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
      release.countDown();

      JsonNode done = h.awaitSave(third);
      assertThat(done.path("state").asText()).isEqualTo("done");
      assertThat(asked).contains("/first", "/third").doesNotContain("/second");
      assertThat(h.http().get("/api/saves/" + second).status()).isEqualTo(404);
    }
  }
}

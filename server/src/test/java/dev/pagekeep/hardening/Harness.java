package dev.pagekeep.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.Service;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.FixtureSite;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.RawHttp.Reply;
import dev.pagekeep.testing.ServiceHarness;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole service in-process on port 0 with small, test-sized caps, a fixture origin for
 * "normal" pages, and the helpers every hardening test needs.
 */
final class Harness implements AutoCloseable {
  /** Test-sized caps: a hostile server costs at most ATTEMPTS x CALL_TIMEOUT plus a short backoff. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  static final int ATTEMPTS = 2;
  static final long BODY_CAP = 1024 * 1024;
  /** The longest any one save may take under these caps (attempts, backoff, slack for a slow CI box). */
  static final Duration SAVE_DEADLINE = CALL_TIMEOUT.multipliedBy(ATTEMPTS).plusSeconds(4);

  final ServiceHarness harness;
  final FixtureSite site;
  final Service service;
  final RawHttp http;
  final String token;

  Harness(Path dir) {
    harness = ServiceHarness.builder(dir.resolve("data")).fetch(limits()).site(new FixtureSite("core-site").start()).start();
    site = harness.site();
    service = harness.service();
    token = harness.token();
    http = harness.http();
  }

  static FetchLimits limits() {
    return FetchLimits.defaults()
        .withRetries(ATTEMPTS, Duration.ofMillis(20), Duration.ofMillis(100))
        .withTimeouts(CONNECT_TIMEOUT, READ_TIMEOUT, CALL_TIMEOUT)
        .withMaxBodyBytes(BODY_CAP);
  }

  int port() { return service.port(); }

  long save(String url) {
    Reply r = http.post("/api/saves", Map.of("url", url));
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    return r.json().path("saves").get(0).path("id").asLong();
  }

  JsonNode saveState(long id) {
    return http.get("/api/saves/" + id).json();
  }

  static boolean finished(JsonNode save) {
    String state = save.path("state").asText();
    return state.equals("done") || state.equals("failed");
  }

  JsonNode awaitFinished(long id, Duration within) {
    return Await.value("save " + id + " finished", within, () -> saveState(id), Harness::finished);
  }

  /** A normal page on the fixture site; under "localhost" so it is another host for the per-host limit. */
  String normalPage(String n) {
    return site.url("/page/" + n).replace("127.0.0.1", "localhost");
  }

  String stats() {
    Reply r = http.get("/api/stats");
    assertThat(r.status()).isEqualTo(200);
    return r.text();
  }

  void assertHealthy() {
    Reply health = new RawHttp(port(), null).get("/api/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("ok");
  }

  @Override
  public void close() {
    harness.close();
  }

  /** Samples the heap in use every few milliseconds and keeps the highest value seen. */
  static final class HeapWatch implements AutoCloseable {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final long baseline;
    private volatile boolean running = true;
    private final Thread thread;

    HeapWatch() {
      System.gc();
      baseline = MEMORY.getHeapMemoryUsage().getUsed();
      thread = new Thread(() -> {
        while (running) {
          peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-watch");
      thread.setDaemon(true);
      thread.start();
    }

    /** Highest heap in use above the level at the start, in MiB. */
    long growthMiB() { return Math.max(0, peak.get() - baseline) >> 20; }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }
}

package dev.pagekeep.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.testing.HostileServer;
import dev.pagekeep.testing.RawHttp.Reply;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Origins that misbehave on the wire, on real sockets on 127.0.0.1. Each one must end as a failed
 * (or, where HTTP itself cannot tell, a partial) capture with a one-line reason, within the time
 * caps, with bounded memory, while a normal page queued alongside is captured as usual.
 */
@Timeout(60)
class HostileServersTest {
  /** Heap growth allowed while hostile servers run; an unbounded read of the 10 GB bomb would blow it. */
  private static final long HEAP_BOUND_MIB = 512;

  @TempDir Path dir;
  private Harness h;
  private final List<HostileServer> servers = new ArrayList<>();

  @BeforeEach
  void start() {
    h = new Harness(dir);
  }

  @AfterEach
  void stop() {
    servers.forEach(HostileServer::close);
    h.close();
  }

  private HostileServer serve(HostileServer s) {
    servers.add(s);
    return s;
  }

  /**
   * Saves the hostile URL and a normal page right behind it; the normal page must be done first
   * (or at least promptly), the hostile one must end within the caps. Returns the hostile save.
   */
  private JsonNode hostile(String url) throws Exception {
    try (Harness.HeapWatch heap = new Harness.HeapWatch()) {
      long started = System.nanoTime();
      long bad = h.save(url);
      long good = h.save(h.normalPage("beside-" + bad));
      JsonNode normal = h.awaitFinished(good, Duration.ofSeconds(5));
      assertThat(normal.path("state").asText()).as("a normal page beside %s: %s", url, normal).isEqualTo("done");
      JsonNode result = h.awaitFinished(bad, Harness.SAVE_DEADLINE);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(took).as("%s took %s", url, took).isLessThan(Harness.SAVE_DEADLINE);
      assertThat(heap.growthMiB()).as("heap growth while fetching %s", url).isLessThan(HEAP_BOUND_MIB);
      h.assertHealthy();
      System.out.printf("hostile %s: %s in %d ms, heap +%d MiB: %s%n", url, result.path("state").asText(),
          took.toMillis(), heap.growthMiB(), result.path("error").asText(""));
      return result;
    }
  }

  private static void assertFailedWith(JsonNode save, String reasonPart) {
    assertThat(save.path("state").asText()).as(save.toString()).isEqualTo("failed");
    String error = save.path("error").asText();
    assertThat(error).as(save.toString()).contains(reasonPart).doesNotContain("\n").doesNotContain("\tat ").hasSizeLessThan(400);
  }

  @Test
  void slowDripIsCutOffByTheCallTimeout() throws Exception {
    HostileServer drip = serve(HostileServer.slowDrip());
    JsonNode save = hostile(drip.url("/drip"));
    assertFailedWith(save, "timed out");
    assertThat(save.path("attempts").asInt()).isEqualTo(Harness.ATTEMPTS);
  }

  @Test
  void endlessBodyStopsAtTheBodyCap() throws Exception {
    HostileServer endless = serve(HostileServer.endlessBody());
    assertFailedWith(hostile(endless.url("/endless")), "over the cap");
  }

  @Test
  void gzipBombIsCappedOnInflatedBytes() throws Exception {
    HostileServer bomb = serve(HostileServer.gzipBomb(10L << 30));
    assertFailedWith(hostile(bomb.url("/bomb")), "over the cap");
    // The cap counted inflated bytes: what crossed the wire was far below it.
    System.out.println("gzip bomb: " + bomb.bytesWritten() + " bytes on the wire");
    assertThat(bomb.bytesWritten()).isLessThan(Harness.BODY_CAP / 4);
  }

  @Test
  void redirectLoopsAreDetected() throws Exception {
    HostileServer loop = serve(HostileServer.redirectLoop());
    assertFailedWith(hostile(loop.url("/loop")), "redirect loop");
    assertFailedWith(hostile(loop.url("/a")), "redirect loop");
  }

  @Test
  void aChainOfFiftyRedirectsStopsAtTheCap() throws Exception {
    HostileServer chain = serve(HostileServer.redirectChain(50));
    assertFailedWith(hostile(chain.url("/chain/0")), "too many redirects");
    assertThat(chain.requests()).isLessThanOrEqualTo(12);
  }

  @Test
  void hugeHeadersFailTheFetch() throws Exception {
    HostileServer many = serve(HostileServer.hugeHeaders(1 << 20, false));
    HostileServer one = serve(HostileServer.hugeHeaders(1 << 20, true));
    assertFailedWith(hostile(many.url("/many")), "failed");
    assertFailedWith(hostile(one.url("/one")), "failed");
  }

  @Test
  void resetMidBodyFails() throws Exception {
    HostileServer reset = serve(HostileServer.resetMidBody());
    assertFailedWith(hostile(reset.url("/reset")), "failed");
  }

  @Test
  void invalidChunkedEncodingFails() throws Exception {
    HostileServer chunked = serve(HostileServer.invalidChunked());
    assertFailedWith(hostile(chunked.url("/bad")), "failed");
    assertFailedWith(hostile(chunked.url("/overflow")), "failed");
  }

  @Test
  void contentLengthLongerThanTheBodyFails() throws Exception {
    HostileServer liar = serve(HostileServer.lyingLength(10_000, 100));
    assertFailedWith(hostile(liar.url("/longer")), "failed");
  }

  @Test
  void contentLengthShorterThanTheBodyKeepsOnlyThePromisedBytes() throws Exception {
    // HTTP cannot tell a short Content-Length from a short page: the capture is partial, never more.
    HostileServer liar = serve(HostileServer.lyingLength(40, 5_000));
    String url = liar.url("/shorter");
    JsonNode save = hostile(url);
    assertThat(save.path("state").asText()).as(save.toString()).isEqualTo("done");
    JsonNode versions = h.http.get("/api/snapshots/" + save.path("hashUrl").asText()).json().path("versions");
    assertThat(versions.get(0).path("size").asLong()).isEqualTo(40);
    // The bytes past the promised length did not poison the next request on that server.
    assertThat(hostile(url).path("state").asText()).isEqualTo("done");
  }

  @Test
  void wrongOrMissingCharsetsStillCapture() throws Exception {
    byte[] cyrillic = "<!doctype html><title>Привет</title><p>мир</p>".getBytes(Charset.forName("windows-1251"));
    byte[] utf8 = "<!doctype html><title>Grüße</title><p>caffè</p>".getBytes(StandardCharsets.UTF_8);
    Map<String, HostileServer> cases = new LinkedHashMap<>();
    cases.put("utf-8 declared, windows-1251 sent", HostileServer.raw("text/html; charset=utf-8", cyrillic));
    cases.put("unknown charset", HostileServer.raw("text/html; charset=x-no-such-charset", utf8));
    cases.put("illegal charset name", HostileServer.raw("text/html; charset=\"\u0000;;==\"", utf8));
    cases.put("no Content-Type", HostileServer.raw(null, utf8));
    cases.put("meta says one thing, header another",
        HostileServer.raw("text/html; charset=iso-8859-1", ("<meta charset=utf-16>" + new String(utf8, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8)));
    cases.put("binary junk as html", HostileServer.raw("text/html", junk(4096)));
    cases.put("css with a bad charset", HostileServer.raw("text/css; charset=bogus", "@charset \"nope\"; p{}".getBytes(StandardCharsets.UTF_8)));
    for (Map.Entry<String, HostileServer> c : cases.entrySet()) {
      String url = serve(c.getValue()).url("/page");
      JsonNode save = hostile(url);
      assertThat(save.path("state").asText()).as(c.getKey() + ": " + save).isEqualTo("done");
      Reply replay = h.http.replayed(save.path("snapshot").path("replay").asText());
      assertThat(replay.status()).as(c.getKey()).isEqualTo(200);
      assertThat(replay.header("Content-Security-Policy")).as(c.getKey()).contains("script-src 'none'");
    }
  }

  @Test
  void htmlNested100000DeepAndASelfImportingStylesheetCapture() throws Exception {
    HostileServer deep = serve(HostileServer.deepNesting(100_000));
    JsonNode save = hostile(deep.url("/"));
    assertThat(save.path("state").asText()).as(save.toString()).isEqualTo("done");
    // The import loop was followed once per sheet, not forever.
    assertThat(deep.requests()).isLessThanOrEqualTo(4);
    Reply replay = h.http.replayed(save.path("snapshot").path("replay").asText());
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.text()).contains("bottom");
    assertThat(h.http.get("/api/snapshots").text()).contains("deep");
  }

  @Test
  void allAtOnceEveryHostileSaveEndsAndNormalSavesKeepFlowing() throws Exception {
    List<HostileServer> all = List.of(
        serve(HostileServer.slowDrip()), serve(HostileServer.endlessBody()), serve(HostileServer.gzipBomb(10L << 30)),
        serve(HostileServer.redirectLoop()), serve(HostileServer.redirectChain(50)),
        serve(HostileServer.hugeHeaders(1 << 20, false)), serve(HostileServer.resetMidBody()),
        serve(HostileServer.invalidChunked()), serve(HostileServer.lyingLength(10_000, 100)),
        serve(HostileServer.lyingLength(40, 5_000)), serve(HostileServer.raw("text/html; charset=nope", junk(2048))),
        serve(HostileServer.deepNesting(100_000)));
    try (Harness.HeapWatch heap = new Harness.HeapWatch()) {
      long started = System.nanoTime();
      List<Long> hostile = new ArrayList<>();
      for (HostileServer s : all) {
        hostile.add(h.save(s.url("/bad")));
        hostile.add(h.save(s.url("/loop")));
      }
      List<Long> normal = new ArrayList<>();
      for (int i = 0; i < 10; i++) normal.add(h.save(h.normalPage("flow-" + i)));
      for (long id : normal) {
        JsonNode n = h.awaitFinished(id, Duration.ofSeconds(10));
        assertThat(n.path("state").asText()).as(n.toString()).isEqualTo("done");
      }
      for (long id : hostile) {
        JsonNode s = h.awaitFinished(id, Harness.SAVE_DEADLINE.plusSeconds(5));
        if (s.path("state").asText().equals("failed")) {
          assertThat(s.path("error").asText()).as(s.toString()).isNotBlank().doesNotContain("\n").doesNotContain("\tat ");
        }
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Harness.SAVE_DEADLINE.plusSeconds(10));
      System.out.printf("all at once: %d hostile, %d normal saves in %d ms, heap +%d MiB%n", hostile.size(), normal.size(),
          Duration.ofNanos(System.nanoTime() - started).toMillis(), heap.growthMiB());
      assertThat(heap.growthMiB()).isLessThan(HEAP_BOUND_MIB);
    }
    h.assertHealthy();
    JsonNode after = h.awaitFinished(h.save(h.normalPage("after")), Duration.ofSeconds(10));
    assertThat(after.path("state").asText()).isEqualTo("done");
  }

  private static byte[] junk(int n) {
    byte[] b = new byte[n];
    new java.util.Random(7).nextBytes(b);
    return b;
  }
}

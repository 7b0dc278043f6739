package dev.pagekeep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.testing.FixtureSite;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.RawHttp.Reply;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the real service process with SIGKILL in the middle of heavy ingest, restarts it on the
 * same data directory, and checks that every acknowledged save and every snapshot seen finished
 * is still there and intact. Trials: {@code -Dpagekeep.crash.trials=N} (default 5).
 */
class CrashSafetyIT {
  @TempDir Path dir;

  private static final int CLIENTS = 8;

  record Running(Process process, int port, String token) {}

  private Running startService(Path data) throws Exception {
    String jar = System.getProperty("pagekeep.jar", "target/pagekeep.jar");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar, "serve", "--port", "0", "--data", data.toString())
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    int port = -1;
    StringBuilder seen = new StringBuilder();
    long deadline = System.currentTimeMillis() + 60_000;
    String line;
    while (System.currentTimeMillis() < deadline && (line = out.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.startsWith("port ")) {
        port = Integer.parseInt(line.substring(5).trim());
        break;
      }
    }
    assertThat(port).as("service did not start:\n" + seen).isPositive();
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) { /* keep the pipe empty */ }
      } catch (Exception ignored) {
        // process gone
      }
    });
    drain.setDaemon(true);
    drain.start();
    return new Running(p, port, Files.readString(data.resolve("token")).trim());
  }

  @Test
  void acknowledgedSavesAndFinishedSnapshotsSurviveSigkill() throws Exception {
    int trials = Integer.getInteger("pagekeep.crash.trials", 5);
    Path data = dir.resolve("data");
    Random random = new Random(42);
    Map<Long, String> acknowledged = new ConcurrentHashMap<>();
    Map<Long, String> finished = new ConcurrentHashMap<>(); // save id -> replay path
    Map<Long, String> deleted = new ConcurrentHashMap<>(); // save id -> "hashUrl/timestamp" deleted with a 200
    AtomicInteger counter = new AtomicInteger();
    AtomicInteger journalRepairs = new AtomicInteger();
    AtomicInteger journalDrops = new AtomicInteger();
    try (FixtureSite site = new FixtureSite("core-site").start()) {
      for (int trial = 0; trial < trials; trial++) {
        Running svc = startService(data);
        RawHttp http = new RawHttp(svc.port(), svc.token());
        verify(http, acknowledged, finished, deleted);

        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 2);
        for (int c = 0; c < CLIENTS; c++) {
          pool.submit(() -> {
            while (!stop.get()) {
              int n = counter.incrementAndGet();
              String url = n % 5 == 0 ? site.url("/status/404?n=" + n) : site.url("/page/" + n);
              Map<String, Object> body = n % 7 == 0
                  ? Map.of("url", url, "html", "<title>DOM " + n + "</title><p>captured dom " + n + "</p>", "source", "toolbar")
                  : Map.of("url", url);
              try {
                Reply r = http.post("/api/saves", body);
                if (r.status() == 202) acknowledged.put(r.json().path("saves").get(0).path("id").asLong(), url);
              } catch (AssertionError connectionGone) {
                return null;
              }
            }
            return null;
          });
        }
        pool.submit(() -> {
          while (!stop.get()) {
            try {
              for (JsonNode s : http.get("/api/saves?state=done&limit=200").json().path("saves")) {
                long id = s.path("id").asLong();
                if (!deleted.containsKey(id)) finished.put(id, s.path("snapshot").path("replay").asText());
              }
            } catch (AssertionError connectionGone) {
              return null;
            }
          }
          return null;
        });
        pool.submit(() -> {
          // Deletes race the captures: a delete that answered 200 must stay deleted.
          while (!stop.get()) {
            for (Long id : new ArrayList<>(finished.keySet())) {
              if (stop.get() || id % 3 != 0 || deleted.containsKey(id)) continue;
              String replay = finished.get(id);
              String ts = replay.substring(5, 19);
              String hashUrl = dev.pagekeep.model.UrlKeys.hashUrl(replay.substring(20));
              // A delete cut off by the kill may or may not have committed: it leaves the expectations.
              finished.remove(id);
              deleted.put(id, "");
              try {
                if (http.delete("/api/snapshots/" + hashUrl + "/" + ts).status() == 200) {
                  deleted.put(id, hashUrl + "/" + ts);
                  finished.remove(id);
                }
              } catch (AssertionError connectionGone) {
                return null;
              }
            }
            Thread.sleep(20);
          }
          return null;
        });
        // Kill at a random moment once this trial has some acknowledged work (a slow, loaded machine
        // gets more time rather than a trial that tested nothing).
        int ackedBefore = acknowledged.size();
        Thread.sleep(300 + random.nextInt(1500));
        for (long until = System.currentTimeMillis() + 30_000; acknowledged.size() - ackedBefore < 12 && System.currentTimeMillis() < until; ) {
          Thread.sleep(50);
        }
        svc.process().destroyForcibly(); // SIGKILL
        svc.process().waitFor(30, TimeUnit.SECONDS);
        stop.set(true);
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        String verified = verifyStore(data);
        if (verified.contains("re-applied")) journalRepairs.incrementAndGet(); // commits since the last checkpoint, from the journal
        if (verified.contains("unsealed store journal")) journalDrops.incrementAndGet();
        if (!verified.contains("ok: no problems found")) keepForInspection(data, trial);
        assertThat(verified).as("pagekeep verify after kill %d", trial).contains("ok: no problems found");
      }
      // A last start: everything is there, and the queue drains completely.
      Running svc = startService(data);
      RawHttp http = new RawHttp(svc.port(), svc.token());
      try {
        verify(http, acknowledged, finished, deleted);
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
          JsonNode saves = http.get("/api/stats").json().path("saves");
          if (saves.path("queued").asLong() == 0 && saves.path("fetching").asLong() == 0) break;
          Thread.sleep(100);
        }
        JsonNode stats = http.get("/api/stats").json();
        assertThat(stats.path("saves").path("queued").asLong()).isZero();
        // Every acknowledged save finished; a few more may have been committed whose 202 the kill cut off.
        assertThat(stats.path("saves").path("done").asLong() + stats.path("saves").path("failed").asLong())
            .isGreaterThanOrEqualTo(acknowledged.size());
        System.out.printf("crash trials=%d acknowledged=%d finished-before-kill=%d deleted=%d lost=0 resurrected=0"
                + " kills-repaired-from-journal=%d unsealed-journal-tails-dropped=%d%n",
            trials, acknowledged.size(), finished.size(), deleted.size(), journalRepairs.get(), journalDrops.get());
      } finally {
        svc.process().destroy();
        svc.process().waitFor(30, TimeUnit.SECONDS);
      }
    }
    assertThat(acknowledged).hasSizeGreaterThan(trials * 10);
    assertThat(finished).isNotEmpty();
    assertThat(deleted.values()).anyMatch(v -> !v.isEmpty());
  }

  /** A store that fails verification is copied to target/ so the failure can be studied after the run. */
  private static void keepForInspection(Path data, int trial) throws Exception {
    Path copy = Path.of("target", "crash-failure-" + ProcessHandle.current().pid() + "-" + trial);
    try (var files = Files.walk(data)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = copy.resolve(data.relativize(f).toString());
        if (Files.isDirectory(f)) Files.createDirectories(to);
        else Files.copy(f, to);
      }
    }
    System.out.println("store that failed verification kept at " + copy.toAbsolutePath());
  }

  private String verifyStore(Path data) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", System.getProperty("pagekeep.jar", "target/pagekeep.jar"), "verify", "--data", data.toString())
        .redirectErrorStream(true);
    pb.environment().put("PAGEKEEP_DEBUG", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(120, TimeUnit.SECONDS);
    return out;
  }

  private static void verify(RawHttp http, Map<Long, String> acknowledged, Map<Long, String> finished,
                             Map<Long, String> deleted) {
    List<String> problems = new ArrayList<>();
    acknowledged.forEach((id, url) -> {
      Reply r = http.get("/api/saves/" + id);
      if (r.status() != 200 || !r.json().path("url").asText().equals(url)) problems.add("lost save " + id + " " + url);
    });
    finished.forEach((id, replay) -> {
      JsonNode s = http.get("/api/saves/" + id).json();
      if (!s.path("state").asText().equals("done")) problems.add("save " + id + " no longer done: " + s);
      Reply page = http.get(replay);
      if (page.status() != 200 && page.status() != 302) problems.add("snapshot " + replay + " answers " + page.status());
    });
    deleted.forEach((id, hashAndTs) -> {
      if (hashAndTs.isEmpty()) return; // never acknowledged
      int status = http.get("/api/snapshots/" + hashAndTs.substring(0, hashAndTs.indexOf('/'))).status();
      JsonNode versions = status == 200 ? http.get("/api/snapshots/" + hashAndTs.substring(0, hashAndTs.indexOf('/'))).json().path("versions") : null;
      if (versions != null) {
        for (JsonNode v : versions) {
          if (v.path("timestamp").asText().equals(hashAndTs.substring(hashAndTs.indexOf('/') + 1))) problems.add("deleted snapshot came back: " + hashAndTs);
        }
      }
    });
    assertThat(problems).isEmpty();
  }
}

package dev.pagekeep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pagekeep.nativehost.NativeBridge;
import dev.pagekeep.nativehost.ServiceClientGateway;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.FixtureSite;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.ServiceHarness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.pagekeep.testing.Cli;
import dev.pagekeep.testing.Cli.Run;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon a user forgets is running: {@code status}, {@code stop}, an autostart on a busy port,
 * and a batch with one bad URL through the API, the CLI and the native host. The shipped jar in
 * real processes, as a person runs it.
 */
class DaemonIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BAD = "file:///etc/passwd";

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  private ProcessBuilder java(Map<String, String> env, String... args) {
    return Cli.jar(dir.resolve("data"), env, args);
  }

  private Run pagekeep(Map<String, String> env, String... args) throws Exception {
    return Cli.runJar(dir, dir.resolve("data"), env, args);
  }

  private Run pagekeep(String... args) throws Exception {
    return pagekeep(Map.of(), args);
  }

  /** {@code pagekeep serve} in the background, returned once service.json names it. */
  private Process serve(Map<String, String> env, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("serve"));
    args.addAll(List.of(extra));
    Process p = java(env, args.toArray(String[]::new)).redirectErrorStream(true)
        .redirectOutput(dir.resolve("serve-" + started.size() + ".log").toFile()).start();
    started.add(p);
    Path log = dir.resolve("serve-" + (started.size() - 1) + ".log");
    try {
      Await.until("service.json naming serve's pid (or serve ended)", ServiceHarness.DEADLINE,
          () -> !p.isAlive() || serviceJson() != null && serviceJson().path("pid").asLong() == p.pid());
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; serve's output: " + Files.readString(log), e);
    }
    if (!p.isAlive()) throw new AssertionError("serve ended (exit " + p.exitValue() + "): " + Files.readString(log));
    return p;
  }

  private JsonNode serviceJson() {
    Path f = dir.resolve("data/service.json");
    try {
      return Files.exists(f) ? JSON.readTree(Files.readString(f)) : null;
    } catch (IOException e) {
      return null; // being replaced (or not readable yet)
    }
  }

  private boolean lockFree() throws IOException {
    try (FileChannel c = FileChannel.open(dir.resolve("data/serve.lock"), StandardOpenOption.WRITE)) {
      FileLock lock = c.tryLock();
      if (lock == null) return false;
      lock.release();
      return true;
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    JsonNode info = serviceJson();
    if (info != null) ProcessHandle.of(info.path("pid").asLong()).filter(h -> h.pid() != ProcessHandle.current().pid())
        .ifPresent(h -> { h.destroy(); h.onExit().join(); });
    for (Process p : started) {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void statusSaysNotRunningWithExitThreeAndStopOfNothingSucceeds() throws Exception {
    Run status = pagekeep("status");
    assertThat(status.exit()).as(status.err()).isEqualTo(3);
    assertThat(status.out()).contains("not running").contains(dir.resolve("data").toString());
    Run stop = pagekeep("stop");
    assertThat(stop.exit()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("was not running");
    assertThat(dir.resolve("data/service.json")).doesNotExist();
  }

  @Test
  void statusOfARunningServiceAndStopReleasesTheDirectoryForTheNextServe() throws Exception {
    Process first = serve(Map.of());
    int port = serviceJson().path("port").asInt();
    Run status = pagekeep("status");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("running at http://127.0.0.1:" + port).contains("pid " + first.pid())
        .contains("0 queued").contains("0 fetching");

    Run stop = pagekeep("stop");
    assertThat(stop.exit()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("stopped").contains("pid " + first.pid());
    assertThat(stop.err()).as("stopped through the API, no SIGTERM needed").doesNotContain("SIGTERM");
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).as("a normal exit, not a signal").isZero();
    assertThat(Files.readString(dir.resolve("serve-0.log"))).contains("pagekeep stopped");
    assertThat(dir.resolve("data/service.json")).doesNotExist();
    assertThat(lockFree()).isTrue();
    assertThat(pagekeep("status").exit()).isEqualTo(3);

    // The directory is free: a new serve starts on it, and stop stops that one too.
    Process second = serve(Map.of());
    assertThat(pagekeep("status").exit()).isZero();
    assertThat(pagekeep("stop").exit()).isZero();
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shutdownTakesTheTokenOnlyAndClosesTheServiceTheNormalWay() throws Exception {
    try (ServiceHarness h = ServiceHarness.builder(dir.resolve("data")).start()) {
      int port = h.port();
      String token = h.token();
      RawHttp anonymous = new RawHttp(port, null);
      assertThat(anonymous.send("POST", "/api/shutdown", null, Map.of()).status()).isEqualTo(401);
      // A browser session (what a page on pagekeep's own origin holds) cannot stop the service.
      String link = new RawHttp(port, token).post("/api/login-links", Map.of()).json().path("url").asText();
      RawHttp.Reply login = anonymous.get(link.substring(link.indexOf("/login")));
      String cookie = login.header("Set-Cookie");
      cookie = cookie.substring(0, cookie.indexOf(';'));
      String key = login.header("Location").substring("/#key=".length()); // the UI's half of the session
      RawHttp.Reply bySession = anonymous.send("POST", "/api/shutdown", null, Map.of("Cookie", cookie, "X-Pagekeep-Key", key,
          "Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Dest", "empty"));
      assertThat(bySession.status()).as(bySession.text()).isEqualTo(403);
      assertThat(new RawHttp(port, token).get("/api/stats").status()).as("still running").isEqualTo(200);

      RawHttp.Reply byToken = new RawHttp(port, token).send("POST", "/api/shutdown", null, Map.of());
      assertThat(byToken.status()).isEqualTo(202);
      assertThat(byToken.json().path("status").asText()).isEqualTo("stopping");
      h.service().awaitClosed();
      assertThat(dir.resolve("data/service.json")).doesNotExist();
      assertThat(lockFree()).isTrue();
      try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(probe.getLocalPort()).as("the port is released").isEqualTo(port);
      }
      // Opens again where it left off.
      h.restart();
      assertThat(h.port()).isPositive();
      assertThat(h.http().get("/api/stats").status()).isEqualTo(200);
    }
  }

  @Test
  void anAutostartedServiceTakesAFreePortWhenItsPortIsBusyWhileServeByHandRefuses() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         FixtureSite site = new FixtureSite("core-site").start()) {
      Map<String, String> env = Map.of("PAGEKEEP_PORT", Integer.toString(busy.getLocalPort()));
      Run save = pagekeep(env, "save", site.url("/index.html"));
      assertThat(save.exit()).as(save.err()).isZero();
      int port = serviceJson().path("port").asInt();
      assertThat(port).isPositive().isNotEqualTo(busy.getLocalPort());
      assertThat(save.out().strip()).startsWith("http://127.0.0.1:" + port + "/web/");
      assertThat(Files.readString(dir.resolve("data/service.log")))
          .contains("port " + busy.getLocalPort() + " is in use; serving on a free port instead");
      // Clients find it through service.json: a second save and status use the same service.
      Run again = pagekeep(env, "save", site.url("/second.html"));
      assertThat(again.exit()).as(again.err()).isZero();
      assertThat(again.out()).contains(":" + port + "/web/");
      Run status = pagekeep(env, "status");
      assertThat(status.out()).contains("127.0.0.1:" + port);
      assertThat(pagekeep(env, "stop").exit()).isZero();

      // serve started by hand keeps the clear failure.
      Run byHand = pagekeep(env, "serve");
      assertThat(byHand.exit()).isNotZero();
      String[] lines = byHand.err().strip().split("\n"); // Javalin logs its own line before ours
      assertThat(lines[lines.length - 1]).isEqualTo("pagekeep: port " + busy.getLocalPort()
          + " is in use; pick another with --port (0 = any free port)");
    }
  }

  @Test
  void aBatchWithOneBadUrlQueuesTheOthersThroughTheApi() throws Exception {
    try (ServiceHarness h = ServiceHarness.builder(dir.resolve("data")).site(new FixtureSite("core-site").start()).start()) {
      FixtureSite site = h.site();
      RawHttp http = h.http();
      RawHttp.Reply r = http.post("/api/saves", Map.of("urls",
          List.of(site.url("/index.html"), BAD, site.url("/second.html"))));
      assertThat(r.status()).as(r.text()).isEqualTo(202);
      assertThat(r.json().path("saves")).extracting(s -> s.path("url").asText())
          .containsExactly(site.url("/index.html"), site.url("/second.html"));
      assertThat(r.json().path("rejected")).hasSize(1);
      assertThat(r.json().at("/rejected/0/url").asText()).isEqualTo(BAD);
      assertThat(r.json().at("/rejected/0/error").asText()).contains("only http and https");
      for (JsonNode s : r.json().path("saves")) {
        assertThat(http.get("/api/saves/" + s.path("id").asLong()).status()).isEqualTo(200);
      }
      // Nothing to queue at all is still an error, with the reasons.
      RawHttp.Reply none = http.post("/api/saves", Map.of("urls", List.of(BAD, "http://")));
      assertThat(none.status()).isEqualTo(400);
      assertThat(none.json().at("/error/code").asText()).isEqualTo("invalid_url");
      assertThat(none.json().at("/error/rejected")).hasSize(2);
    }
  }

  @Test
  void aBatchWithOneBadUrlSavesTheOthersThroughTheCli() throws Exception {
    try (FixtureSite site = new FixtureSite("core-site").start()) {
      Run run = pagekeep("save", site.url("/index.html"), BAD, site.url("/second.html"));
      assertThat(run.exit()).as("not everything was saved").isEqualTo(1);
      assertThat(run.out().strip().split("\n")).hasSize(2).allSatisfy(line -> assertThat(line).contains("/web/"));
      assertThat(run.out()).contains(site.url("/index.html")).contains(site.url("/second.html"));
      assertThat(run.err().strip()).startsWith("rejected ").contains("only http and https").contains(BAD)
          .doesNotContain("\n");
    }
  }

  @Test
  void aBatchWithOneBadUrlQueuesTheOthersThroughTheNativeHost() throws Exception {
    try (ServiceHarness h = ServiceHarness.builder(dir.resolve("data")).site(new FixtureSite("core-site").start()).start()) {
      FixtureSite site = h.site();
      NativeBridge host = new NativeBridge(new ServiceClientGateway(h.service().config().dataDir()), JSON, "test");
      ObjectNode request = (ObjectNode) JSON.readTree(JSON.writeValueAsString(Map.of("type", "save", "source", "links-on-page",
          "urls", List.of(site.url("/index.html"), BAD, site.url("/second.html")))));
      JsonNode result = host.handle("save", request);
      assertThat(result.path("saves")).extracting(s -> s.path("url").asText())
          .containsExactly(site.url("/index.html"), site.url("/second.html"));
      assertThat(result.at("/rejected/0/url").asText()).isEqualTo(BAD);
      assertThat(result.at("/rejected/0/error").asText()).contains("only http and https");
    }
  }
}

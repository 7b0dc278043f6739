package dev.pagekeep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.testing.FixtureSite;
import dev.pagekeep.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.pagekeep.testing.Cli;
import dev.pagekeep.testing.Cli.Run;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The shipped jar, as a person runs it: {@code pagekeep save} with no service running. */
class CliIT {
  @TempDir Path dir;

  private Run pagekeep(String... args) throws Exception {
    return Cli.runJar(dir, dir.resolve("data"), Map.of(), args);
  }

  @AfterEach
  void stopBackgroundService() throws Exception {
    Path service = dir.resolve("data/service.json");
    if (Files.exists(service)) {
      long pid = new ObjectMapper().readTree(Files.readString(service)).path("pid").asLong();
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
      ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
    }
  }

  @Test
  void saveStartsTheServiceAndPrintsAReplayUrlThatServesThePage() throws Exception {
    try (FixtureSite site = new FixtureSite("core-site").start()) {
      Run run = pagekeep("save", site.url("/index.html"));
      assertThat(run.exit()).as(run.err()).isZero();
      String replay = run.out().strip();
      assertThat(replay).startsWith("http://127.0.0.1:").contains("/web/").endsWith(site.url("/index.html"));
      String token = Files.readString(dir.resolve("data/token")).strip();
      int port = Integer.parseInt(replay.replaceAll("^http://127\\.0\\.0\\.1:(\\d+)/.*$", "$1"));
      String body = new RawHttp(port, token).replayed(replay.substring(replay.indexOf("/web/"))).text();
      assertThat(body).contains("Keeping what we link to").doesNotContain("<script");
      // The service started in the background names the way in, in its log, and never writes a login link there.
      String log = Files.readString(dir.resolve("data/service.log"));
      assertThat(log).contains("open the archive: pagekeep open").doesNotContain("token=");
      // The service keeps running for the next save: a second save reuses it.
      Run second = pagekeep("save", site.url("/second.html"));
      assertThat(second.exit()).isZero();
      assertThat(second.out()).contains(":" + port + "/web/");
      // pagekeep open: a one-time login link that logs a browser in once.
      Run open = pagekeep("open");
      assertThat(open.exit()).isZero();
      String link = open.out().strip();
      assertThat(link).startsWith("http://127.0.0.1:" + port + "/login?token=");
      RawHttp browser = new RawHttp(port, null);
      assertThat(browser.get(link.substring(link.indexOf("/login"))).status()).isEqualTo(303);
      assertThat(browser.get(link.substring(link.indexOf("/login"))).status()).isEqualTo(401);
    }
  }

  @Test
  void badUrlsExitNonZeroWithOneLineReasons() throws Exception {
    Run run = pagekeep("save", "file:///etc/passwd");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err().strip()).startsWith("pagekeep: ").contains("only http and https").doesNotContain("\n");
    try (FixtureSite site = new FixtureSite("core-site").start()) {
      Run missing = pagekeep("save", site.url("/status/404"));
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.err()).contains("failed " + site.url("/status/404")).contains("HTTP 404");
    }
  }
}

package dev.pagekeep.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.store.MapDbArchiveStore;
import dev.pagekeep.testing.FixtureSite;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.RawHttp.Reply;
import dev.pagekeep.testing.ServiceHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive on a small tmpfs that fills up: saves are refused with a clear reason, the service
 * stays up, and everything stored earlier stays readable, also after a restart. Needs root to
 * mount (CI and these machines run as root); skipped elsewhere.
 */
class DiskFullTest {
  @TempDir Path tmp;
  private Path mount;
  private boolean mounted;

  @BeforeEach
  void mountSmallFilesystem() throws Exception {
    mount = tmp.resolve("small");
    Files.createDirectories(mount);
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=56m", "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    mounted = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    assumeTrue(mounted, "cannot mount a tmpfs here (not root?)");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(20, TimeUnit.SECONDS);
  }

  @Test
  void fullDiskRefusesSavesClearlyKeepsServingAndDamagesNothing() throws Exception {
    Path data = mount.resolve("data");
    FetchLimits limits = FetchLimits.defaults().withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10))
        .withMaxBodyBytes(8L * 1024 * 1024);
    try (ServiceHarness h = ServiceHarness.builder(data).fetch(limits).site(new FixtureSite("core-site").start()).start()) {
      FixtureSite site = h.site();
      RawHttp http = h.http();
      JsonNode first = h.awaitSave(h.save(site.url("/index.html")), Duration.ofSeconds(30));
      assertThat(first.path("state").asText()).isEqualTo("done");
      String earlierReplay = first.path("snapshot").path("replay").asText();

      // Fill the disk: captures of incompressible 2 MiB bodies, then DOM saves straight into the queue.
      for (int i = 0; i < 20; i++) http.post("/api/saves", Map.of("url", site.url("/random/" + i)));
      Reply refused = null;
      Random random = new Random(1);
      for (int i = 0; i < 60 && refused == null; i++) {
        byte[] junk = new byte[1_500_000];
        random.nextBytes(junk);
        Reply r = http.post("/api/saves", Map.of("url", site.url("/dom/" + i), "html", java.util.Base64.getEncoder().encodeToString(junk)));
        if (r.status() != 202) refused = r;
      }
      assertThat(refused).as("the disk never filled").isNotNull();
      assertThat(refused.status()).isEqualTo(507);
      assertThat(refused.json().path("error").path("code").asText()).isEqualTo("disk_full");
      assertThat(refused.json().path("error").path("message").asText()).contains("disk").contains("full");

      // Still serving: health, the earlier snapshot, and the API.
      assertThat(http.get("/api/health").status()).isEqualTo(200);
      Reply replay = http.replayed(earlierReplay);
      assertThat(replay.status()).isEqualTo(200);
      assertThat(replay.text()).contains("Keeping what we link to");
      assertThat(http.get("/api/stats").status()).isEqualTo(200);

      // After a restart the store opens, holds the earlier snapshot, and is consistent.
      h.stop();
      try (MapDbArchiveStore store = MapDbArchiveStore.open(data.resolve("archive.db"))) {
        assertThat(store.verify()).isEmpty();
        assertThat(store.stats().pages()).isGreaterThanOrEqualTo(1);
      }
      h.start();
      assertThat(h.http().replayed(earlierReplay).text()).contains("Keeping what we link to");
    }
  }
}

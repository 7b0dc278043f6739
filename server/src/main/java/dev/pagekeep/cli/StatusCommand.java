package dev.pagekeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.client.ServiceClient;
import dev.pagekeep.config.DataDir;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pagekeep status}: is a service running for this data directory, where, and what is it doing. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether a service runs for this data directory (port, pid, queue). "
    + "Exit 0 when it runs, 3 when it does not.")
public final class StatusCommand implements Callable<Integer> {
  /** The exit code when no service runs (as {@code systemctl status} and LSB init scripts use it). */
  public static final int NOT_RUNNING = 3;

  @Mixin DataOption data;

  @Override
  public Integer call() throws Exception {
    DataDir dir = data.dataDir();
    ServiceClient client = ServiceClient.runningOrNull(dir);
    if (client == null) {
      System.out.println("pagekeep is not running (data: " + dir + ")");
      return NOT_RUNNING;
    }
    StringBuilder head = new StringBuilder("pagekeep is running at ").append(client.baseUri())
        .append(" (pid ").append(client.pid());
    String up = uptime(client.pid());
    if (up != null) head.append(", up ").append(up);
    head.append(", data: ").append(dir).append(')');
    System.out.println(head);
    ServiceClient.Response r = client.send("GET", "/api/stats", null);
    if (!r.ok()) {
      System.out.println("stats: " + r.errorMessage());
      return 0;
    }
    JsonNode stats = r.json();
    JsonNode saves = stats.path("saves");
    System.out.println("saves: " + saves.path("queued").asLong() + " queued, " + saves.path("fetching").asLong() + " fetching, "
        + saves.path("done").asLong() + " done, " + saves.path("failed").asLong() + " failed, "
        + saves.path("needsBrowser").asLong() + " waiting for the browser");
    System.out.println("snapshots: " + stats.path("snapshots").asLong() + " of " + stats.path("urls").asLong() + " URLs"
        + (stats.path("diskFull").asBoolean() ? " (paused: the disk is full)" : ""));
    return 0;
  }

  static String uptime(long pid) {
    if (pid <= 0) return null;
    return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(start -> {
      Duration d = Duration.between(start, Instant.now());
      if (d.isNegative()) return null;
      long s = d.getSeconds();
      if (s < 60) return s + "s";
      if (s < 3600) return s / 60 + "m" + s % 60 + "s";
      if (s < 86400) return s / 3600 + "h" + s % 3600 / 60 + "m";
      return s / 86400 + "d" + s % 86400 / 3600 + "h";
    }).orElse(null);
  }
}

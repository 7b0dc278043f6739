package dev.pagekeep.cli;

import dev.pagekeep.client.ServiceClient;
import dev.pagekeep.config.DataDir;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagekeep stop}: asks the service to stop ({@code POST /api/shutdown} with the token), waits
 * until it has released the data directory, and falls back to SIGTERM of its pid when it does not.
 * Queued saves stay queued for the next start.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the service of this data directory gracefully (queued saves stay queued). "
    + "Exit 0 when it stopped or none was running.")
public final class StopCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long to wait before sending SIGTERM (default ${DEFAULT-VALUE})")
  int timeoutSeconds = 30;

  @Override
  public Integer call() throws Exception {
    DataDir dir = data.dataDir();
    ServiceClient client = ServiceClient.runningOrNull(dir);
    if (client == null) {
      System.out.println("pagekeep was not running (data: " + dir + ")");
      return 0;
    }
    long pid = client.pid();
    String asked;
    try {
      ServiceClient.Response r = client.send("POST", "/api/shutdown", null);
      asked = r.status() == 202 ? null : r.errorMessage();
    } catch (IOException e) {
      asked = e.getMessage(); // it may have stopped before answering; the wait below tells
    }
    if (asked == null && waitStopped(dir, pid, timeoutSeconds * 1000L)) {
      System.out.println("pagekeep stopped (was pid " + pid + " on port " + client.baseUri().getPort() + ")");
      return 0;
    }
    Optional<ProcessHandle> process = pid > 0 && pid != ProcessHandle.current().pid() ? ProcessHandle.of(pid) : Optional.empty();
    if (process.isEmpty() || !process.get().isAlive()) {
      if (stopped(dir, pid)) {
        System.out.println("pagekeep stopped (was pid " + pid + ")");
        return 0;
      }
      throw new IllegalStateException("pagekeep did not stop" + (asked == null ? "" : " (" + asked + ")")
          + " and service.json names no process to signal; see " + dir.logFile());
    }
    System.err.println("pagekeep: " + (asked == null ? "no stop after " + timeoutSeconds + " s" : "shutdown refused: " + asked)
        + "; sending SIGTERM to pid " + pid);
    process.get().destroy(); // SIGTERM: the service's shutdown hook closes it the normal way
    if (waitStopped(dir, pid, 15_000)) {
      System.out.println("pagekeep stopped (was pid " + pid + ")");
      return 0;
    }
    throw new IllegalStateException("pid " + pid + " did not stop after SIGTERM; see " + dir.logFile());
  }

  private static boolean waitStopped(DataDir dir, long pid, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (stopped(dir, pid)) {
        // Released the directory; give the process a moment to exit too (not required).
        ProcessHandle.of(pid).filter(h -> h.pid() != ProcessHandle.current().pid()).ifPresent(h -> {
          try {
            h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
          } catch (Exception ignored) {
            // it released everything it held; its exit is its own business
          }
        });
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Stopped: service.json gone and serve.lock free (or the process gone altogether). */
  static boolean stopped(DataDir dir, long pid) {
    boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    if (!alive && pid > 0 && pid != ProcessHandle.current().pid()) return true;
    return !Files.exists(dir.serviceFile()) && lockFree(dir);
  }

  private static boolean lockFree(DataDir dir) {
    if (!Files.exists(dir.lockFile())) return true;
    try (FileChannel c = FileChannel.open(dir.lockFile(), StandardOpenOption.WRITE)) {
      FileLock lock = c.tryLock();
      if (lock == null) return false;
      lock.release();
      return true;
    } catch (IOException | OverlappingFileLockException e) {
      return false;
    }
  }
}

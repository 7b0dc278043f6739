package dev.pagekeep.cli;

import dev.pagekeep.config.DataDir;
import dev.pagekeep.store.MapDbArchiveStore;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pagekeep verify}: opens the store (the service must be stopped) and says what is wrong. */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Check the archive's store: every record readable, every index and blob consistent.")
public final class VerifyCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Override
  public Integer call() {
    DataDir dir = data.dataDir();
    if (!Files.exists(dir.storeFile())) throw new IllegalArgumentException("no archive at " + dir.storeFile());
    List<String> problems;
    try (MapDbArchiveStore store = MapDbArchiveStore.open(dir.storeFile())) {
      problems = store.verify();
      var s = store.stats();
      System.out.printf("%s: %d snapshots of %d URLs, saves %d queued / %d done / %d failed, %d blobs, %d bytes stored%n",
          dir.storeFile(), s.pages(), s.urls(), s.queued(), s.done(), s.failed(), s.blobs(), s.storedBytes());
    } catch (RuntimeException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("lock") || m.contains("Lock")) {
        throw new IllegalStateException("the archive is in use: stop the running pagekeep service first (its pid is in service.json; " + m + ")");
      }
      throw e;
    }
    if (problems.isEmpty()) {
      System.out.println("ok: no problems found");
      return 0;
    }
    problems.forEach(p -> System.out.println("problem: " + p));
    System.out.println(problems.size() + " problems found");
    return 1;
  }
}

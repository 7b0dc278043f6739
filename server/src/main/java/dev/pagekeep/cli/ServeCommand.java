package dev.pagekeep.cli;

import dev.pagekeep.Service;
import dev.pagekeep.config.Config;
import dev.pagekeep.config.FetchLimits;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pagekeep serve}: the archive service, in the foreground, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the archive service on 127.0.0.1 in the foreground.")
public final class ServeCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Option(names = "--port", paramLabel = "PORT", description = "port on 127.0.0.1 (default 8765, or $PAGEKEEP_PORT; 0 picks a free one)")
  Integer port;

  @Option(names = "--max-in-flight", paramLabel = "N", description = "requests running at once, all hosts (default ${DEFAULT-VALUE})")
  int maxInFlight = FetchLimits.defaults().maxInFlight();

  @Option(names = "--max-per-host", paramLabel = "N", description = "requests running at once to one host (default ${DEFAULT-VALUE})")
  int maxPerHost = FetchLimits.defaults().maxPerHost();

  @Option(names = "--max-pages", paramLabel = "N", description = "pages captured at once (default ${DEFAULT-VALUE})")
  int maxPages = 16;

  @Option(names = "--max-body-mb", paramLabel = "MB", description = "largest body kept, in MiB (default ${DEFAULT-VALUE})")
  int maxBodyMb = 50;

  @Option(names = "--index-chars", paramLabel = "N",
      description = "characters of each page's text that search indexes; the whole text is still kept (default ${DEFAULT-VALUE})")
  int indexedChars = Config.DEFAULT_INDEXED_CHARS;

  @Override
  public Integer call() throws Exception {
    FetchLimits limits = FetchLimits.defaults().withMaxInFlight(maxInFlight).withMaxPerHost(maxPerHost)
        .withMaxBodyBytes(maxBodyMb * 1024L * 1024L);
    Config config = Config.defaults(data.dataDir(), port == null ? Config.defaultPort() : port)
        .withFetch(limits).withMaxPagesInFlight(maxPages).withIndexedChars(indexedChars);
    Service service;
    try {
      service = Service.start(config);
    } catch (RuntimeException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("Failed to bind") || m.contains("Address already in use") || e.getCause() instanceof java.net.BindException) {
        throw new IllegalStateException("port " + config.port() + " is in use; pick another with --port (0 = any free port)");
      }
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("pagekeep serving " + service.baseUrl() + " (data: " + config.dataDir() + ")");
    System.out.println("port " + service.port());
    if (System.console() != null) {
      // Only to a person at a terminal: a login link has no business in a log file.
      System.out.println("open the archive (one-time login link): " + service.loginLink());
    } else {
      System.out.println("open the archive: pagekeep open, or \"Open archive\" in the extension");
    }
    System.out.flush();
    stopped.await();
    return 0;
  }
}

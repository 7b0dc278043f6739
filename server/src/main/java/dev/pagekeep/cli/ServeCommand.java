package dev.pagekeep.cli;

import dev.pagekeep.Service;
import dev.pagekeep.archive.PagesInFlight;
import dev.pagekeep.config.Config;
import dev.pagekeep.config.FetchLimits;
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

  /** Set by {@code ServiceClient} when it autostarts the service: a busy port is not worth failing a save for. */
  @Option(names = "--any-port-if-busy", hidden = true)
  boolean anyPortIfBusy;

  @Option(names = "--max-in-flight", paramLabel = "N", description = "requests running at once, all hosts (default ${DEFAULT-VALUE})")
  int maxInFlight = FetchLimits.defaults().maxInFlight();

  @Option(names = "--max-per-host", paramLabel = "N", description = "requests running at once to one host (default ${DEFAULT-VALUE})")
  int maxPerHost = FetchLimits.defaults().maxPerHost();

  @Option(names = "--max-pages", paramLabel = "N", description = "pages captured at once (default ${DEFAULT-VALUE})")
  int maxPages = 16;

  @Option(names = "--max-pages-per-host", paramLabel = "N", description = "pages of one host captured at once (default ${DEFAULT-VALUE})")
  int maxPagesPerHost = Config.DEFAULT_MAX_PAGES_PER_HOST;

  @Option(names = "--max-body-mb", paramLabel = "MB", description = "largest body kept, in MiB (default ${DEFAULT-VALUE})")
  int maxBodyMb = 50;

  @Option(names = "--index-chars", paramLabel = "N",
      description = "characters of each page's text that search indexes; the whole text is still kept (default ${DEFAULT-VALUE})")
  int indexedChars = Config.DEFAULT_INDEXED_CHARS;

  private static boolean portInUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) return true;
      String m = String.valueOf(t.getMessage());
      if (m.contains("Failed to bind") || m.contains("Address already in use")) return true;
    }
    return false;
  }

  @Override
  public Integer call() throws Exception {
    FetchLimits limits = FetchLimits.defaults().withMaxInFlight(maxInFlight).withMaxPerHost(maxPerHost)
        .withMaxBodyBytes(maxBodyMb * 1024L * 1024L);
    Config config = Config.defaults(data.dataDir(), port == null ? Config.defaultPort() : port)
        .withFetch(limits).withMaxPagesInFlight(maxPages).withIndexedChars(indexedChars)
        .withMaxPagesPerHost(maxPagesPerHost);
    Service service;
    try {
      service = Service.start(config);
    } catch (RuntimeException e) {
      if (!portInUse(e)) throw e;
      if (!anyPortIfBusy || config.port() == 0) {
        throw new IllegalStateException("port " + config.port() + " is in use; pick another with --port (0 = any free port)");
      }
      // Autostarted: take any free port; service.json says which, and that is where clients look.
      System.out.println("port " + config.port() + " is in use; serving on a free port instead");
      config = config.withPort(0);
      service = Service.start(config);
    }
    // SIGTERM/SIGINT close it here; POST /api/shutdown (pagekeep stop) closes it on its own thread.
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shutdown"));
    System.out.println("pagekeep serving " + service.baseUrl() + " (data: " + config.dataDir() + ")");
    System.out.println("port " + service.port());
    if (service.pagesInFlight() < config.maxPagesInFlight()) {
      System.out.println("--max-pages " + config.maxPagesInFlight() + " needs about "
          + PagesInFlight.heapMbFor(config.maxPagesInFlight()) + " MB of heap; capturing at most "
          + service.pagesInFlight() + " pages at once (PAGEKEEP_JAVA_OPTS=-Xmx" + PagesInFlight.heapMbFor(config.maxPagesInFlight())
          + "m lifts it)");
    }
    if (System.console() != null) {
      // Only to a person at a terminal: a login link has no business in a log file.
      System.out.println("open the archive (one-time login link): " + service.loginLink());
    } else {
      System.out.println("open the archive: pagekeep open, or \"Open archive\" in the extension");
    }
    System.out.flush();
    service.awaitClosed();
    System.out.println("pagekeep stopped");
    return 0;
  }
}

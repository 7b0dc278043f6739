import dev.pagekeep.export.MarkdownExporter;
import dev.pagekeep.export.SiteExporter;
import dev.pagekeep.export.WaczExporter;
import dev.pagekeep.export.ZipSink;
import dev.pagekeep.export.WarcExporter;
import dev.pagekeep.imports.ImportJob;
import dev.pagekeep.imports.Importer;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import dev.pagekeep.store.MapDbArchiveStore;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Export and import rates of web archives, one step per JVM so each step's peak memory is its own:
 *   setup DIR N       a store of N snapshots (~20 KB of HTML each, distinct words, one shared stylesheet),
 *                     stored by SETUP_WRITERS (64) threads at once so commits are grouped
 *   warc DIR OUT      export WARC (gzip)          -> pages/s, peak RSS
 *   wacz DIR OUT      export WACZ                 -> pages/s, peak RSS
 *   site DIR OUT      export the static site (zip)   -> articles/s, peak RSS
 *   markdown DIR OUT  export Markdown (zip)          -> articles/s, peak RSS
 *   import WARC DIR   import a WARC into a new store -> pages/s, peak RSS
 * Each step prints one line: step, pages, seconds, pages/s, output bytes, peak anonymous RSS (sampled
 * every 50 ms from /proc/self/status RssAnon) and VmHWM (which counts the store's mapped pages too).
 */
public class ArchiveBench {
  static final AtomicLong peakAnonKb = new AtomicLong();

  public static void main(String[] a) throws Exception {
    Thread sampler = new Thread(() -> {
      while (true) {
        peakAnonKb.accumulateAndGet(status("RssAnon"), Math::max);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    sampler.start();
    long t0 = System.nanoTime();
    long cpu0 = cpuNanos();
    long pages;
    long bytes = 0;
    switch (a[0]) {
      case "setup" -> pages = setup(Path.of(a[1]), Integer.parseInt(a[2]));
      case "warc", "wacz" -> {
        try (MapDbArchiveStore store = MapDbArchiveStore.open(Path.of(a[1]).resolve("archive.db"));
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(a[2])), 1 << 16)) {
          pages = store.stats().pages();
          t0 = System.nanoTime();
          cpu0 = cpuNanos();
          if (a[0].equals("warc")) new WarcExporter(store).write(out, true);
          else new WaczExporter(store, Path.of(a[2]).toAbsolutePath().getParent()).write(out);
        }
        bytes = Files.size(Path.of(a[2]));
      }
      case "site", "markdown" -> {
        try (MapDbArchiveStore store = MapDbArchiveStore.open(Path.of(a[1]).resolve("archive.db"));
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(a[2])), 1 << 16);
             ZipSink zip = new ZipSink(out)) {
          t0 = System.nanoTime();
          cpu0 = cpuNanos();
          pages = a[0].equals("site") ? new SiteExporter(store).write(zip) : new MarkdownExporter(store).write(zip);
        }
        bytes = Files.size(Path.of(a[2]));
      }
      case "import" -> {
        Path dir = Path.of(a[2]);
        Files.createDirectories(dir);
        try (MapDbArchiveStore store = MapDbArchiveStore.open(dir.resolve("archive.db"));
             InputStream in = Files.newInputStream(Path.of(a[1]))) {
          Importer importer = new Importer(store, () -> { }, Clock.systemUTC()).tempDir(dir);
          ImportJob job = importer.begin("bench");
          importer.run(job, in);
          pages = job.done();
          System.err.println(importer.view(job));
        }
        bytes = Files.size(Path.of(a[1]));
      }
      default -> throw new IllegalArgumentException("setup|warc|wacz|site|markdown|import");
    }
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = (cpuNanos() - cpu0) / 1e9;
    System.out.printf("%s\t%d pages\t%.1f s\t%.0f pages/s\tCPU %.1f s (%.1f ms/page)\t%.1f MB\tpeak RssAnon %d MB\tVmHWM %d MB%n", a[0], pages, s,
        pages / s, cpu, cpu * 1000 / Math.max(1, pages), bytes / 1e6, peakAnonKb.get() / 1024, status("VmHWM") / 1024);
  }

  static long setup(Path dir, int n) throws Exception {
    Files.createDirectories(dir);
    Random random = new Random(1);
    String[] words = new String[5000];
    for (int i = 0; i < words.length; i++) words[i] = Long.toString(random.nextLong() & 0xffffffffL, 36);
    Blob css = Blob.of("body{font:16px serif;margin:2em}".repeat(20).getBytes(StandardCharsets.UTF_8));
    // Pages are generated in order on this thread (the same content whatever SETUP_WRITERS is) and
    // stored by SETUP_WRITERS threads at once, so the store writer's group commit takes up to 64
    // snapshots a commit instead of one (1 = the old one-commit-per-snapshot setup).
    int writerThreads = Integer.parseInt(System.getenv().getOrDefault("SETUP_WRITERS", "64"));
    ExecutorService writers = Executors.newFixedThreadPool(writerThreads);
    Semaphore slots = new Semaphore(writerThreads * 2);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    try (MapDbArchiveStore store = MapDbArchiveStore.open(dir.resolve("archive.db"))) {
      Instant start = Instant.parse("2024-01-01T00:00:00Z");
      for (int i = 0; i < n; i++) {
        String url = "http://bench.example/page/" + i;
        String ts = Timestamps.format(start.plusSeconds(i * 60L));
        StringBuilder html = new StringBuilder("<!doctype html><html><head><title>Page " + i
            + "</title><link rel=stylesheet href=/site.css></head><body><article>");
        while (html.length() < 20_000) {
          html.append("<p>");
          for (int w = 0; w < 60; w++) html.append(words[random.nextInt(words.length)]).append(' ');
          html.append("</p>");
        }
        html.append("</article></body></html>");
        byte[] body = html.toString().getBytes(StandardCharsets.UTF_8);
        Blob b = Blob.of(body);
        Blob text = Blob.of(html.toString().replaceAll("<[^>]+>", " ").getBytes(StandardCharsets.UTF_8));
        Capture page = new Capture(UrlKeys.urlKey(url), url, ts, Capture.PAGE, 200, "text/html; charset=utf-8", url,
            List.of("Content-Type: text/html; charset=utf-8"), b.digest(), b.size(), "Page " + i, text.digest(), List.of(), "api", null);
        String cssUrl = "http://bench.example/site.css";
        Capture style = new Capture(UrlKeys.urlKey(cssUrl), cssUrl, ts, Capture.RESOURCE, 200, "text/css", cssUrl,
            List.of("Content-Type: text/css"), css.digest(), css.size(), null, null, List.of(), "requisite", null);
        slots.acquire();
        writers.submit(() -> {
          try {
            store.putSnapshot(new StoredCapture(page, b, text), List.of(new StoredCapture(style, css, null)));
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
          } finally {
            slots.release();
          }
        });
      }
      writers.shutdown();
      writers.awaitTermination(1, TimeUnit.DAYS);
      if (failure.get() != null) throw failure.get();
      return store.stats().pages();
    }
  }

  /** CPU time of the whole process (every thread, the JIT and GC included): the rate without the machine's load. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D", ""));
      }
    } catch (Exception ignored) {
      // not Linux
    }
    return 0;
  }
}

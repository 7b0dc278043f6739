package dev.pagekeep.cli;

import dev.pagekeep.client.ServiceClient;
import dev.pagekeep.export.ExportFormat;
import dev.pagekeep.export.ExportPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pagekeep export --format warc|wacz|site|markdown --out PATH}. The service writes the export
 * ({@code GET /api/export}); this command saves it: a WARC file at PATH (gzip-compressed when
 * PATH ends in .gz), a WACZ file at PATH, or the site / Markdown files unpacked into the directory PATH.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write the archive out as WARC, WACZ, a static site or Markdown (starts the service if none runs).")
public final class ExportCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "warc, wacz, site or markdown")
  String format;

  @Option(names = "--out", required = true, paramLabel = "PATH", description = "the WARC or WACZ file, or the directory for site/markdown (new or empty)")
  Path out;

  @Override
  public Integer call() throws Exception {
    ExportFormat f = ExportFormat.fromWire(format);
    Path target = out.toAbsolutePath().normalize();
    if (f.isSingleFile()) {
      if (Files.isDirectory(target)) {
        throw new IllegalArgumentException(out + " is a directory; give a file name like archive." + (f == ExportFormat.WARC ? "warc.gz" : "wacz"));
      }
    } else if (Files.exists(target) && (!Files.isDirectory(target) || !isEmpty(target))) {
      throw new IllegalArgumentException(out + " exists and is not an empty directory");
    }
    ServiceClient client = ServiceClient.connect(data.dataDir(), true);
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path part = Files.createTempFile(parent, ".pagekeep-export", ".part");
    try {
      boolean gzip = target.getFileName().toString().endsWith(".gz");
      String path = "/api/export?format=" + f.wire() + (f == ExportFormat.WARC && !gzip ? "&gzip=false" : "");
      ServiceClient.Response r;
      ProgressPoller poller = new ProgressPoller(client, part);
      try (OutputStream o = Files.newOutputStream(part)) {
        r = client.download(path, o, "X-Pagekeep-Export", poller::start);
      } finally {
        poller.stop();
      }
      if (!r.ok()) throw new IllegalStateException(r.errorMessage());
      if (f.isSingleFile()) {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("wrote " + target + " (" + Files.size(target) + " bytes)");
      } else {
        long files = unzip(part, target);
        System.out.println("wrote " + files + " files to " + target + " (open " + target.resolve(f == ExportFormat.SITE ? "index.html" : "index.md") + ")");
      }
      return 0;
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** Shows the export job's progress on stderr while the download runs ({@code GET /api/exports/{id}} four times a second). */
  private static final class ProgressPoller {
    private final ServiceClient client;
    private final Path part;
    private final Progress bar = new Progress(System.err);
    private final long started = System.currentTimeMillis();
    private volatile boolean running = true;
    private Thread thread;

    ProgressPoller(ServiceClient client, Path part) {
      this.client = client;
      this.part = part;
    }

    void start(String jobId) {
      if (!jobId.matches("\\d{1,18}")) return;
      thread = new Thread(() -> {
        try {
          while (running) {
            show(jobId);
            Thread.sleep(250);
          }
          show(jobId);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
          // progress is a courtesy: the download goes on without it
        }
      }, "export-progress");
      thread.setDaemon(true);
      thread.start();
    }

    private void show(String jobId) throws IOException {
      ServiceClient.Response s = client.send("GET", "/api/exports/" + jobId, null);
      if (!s.ok()) return;
      var job = s.json();
      long done = job.path("done").asLong();
      long total = job.path("total").asLong();
      long bytes = Files.exists(part) ? Files.size(part) : 0;
      bar.show(done, total, done + " of " + total + " pages · " + (bytes >> 20) + " MiB", started);
    }

    void stop() throws InterruptedException {
      running = false;
      if (thread != null) {
        thread.join(5000);
        bar.finish();
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** Unpacks the export, refusing any entry that would land outside {@code dir}. */
  static long unzip(Path zipFile, Path dir) throws IOException {
    Files.createDirectories(dir);
    long n = 0;
    try (InputStream raw = Files.newInputStream(zipFile); ZipInputStream zip = new ZipInputStream(raw)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        Path dest = dir.resolve(e.getName()).normalize();
        if (!ExportPaths.isSafeRelative(e.getName()) || !dest.startsWith(dir)) {
          throw new IOException("refusing export entry outside " + dir + ": " + e.getName());
        }
        if (e.isDirectory()) continue;
        Files.createDirectories(dest.getParent());
        Files.copy(zip, dest, StandardCopyOption.REPLACE_EXISTING);
        n++;
      }
    }
    return n;
  }
}

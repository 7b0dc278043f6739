package dev.pagekeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.client.ServiceClient;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pagekeep import FILE}: streams a URL list or a bookmarks HTML file to the service
 * ({@code POST /api/imports}), then follows the archiving with a progress bar. A WARC or WACZ is
 * stored as snapshots by the time the upload is answered; the command prints what was imported and
 * the offsets of records that could not be read. Interrupting it
 * loses nothing: the URLs are queued on disk and the service keeps going.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Queue every URL of a URL list (one a line) or a bookmarks HTML file (Chrome, Firefox); "
    + "store the pages of a WARC or WACZ web archive as snapshots (nothing is fetched).")
public final class ImportCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Parameters(paramLabel = "FILE", description = "a URL list, a Netscape bookmarks HTML export, a WARC (.warc, .warc.gz) or a WACZ (known by content)")
  Path file;

  @Option(names = "--no-wait", description = "return once the URLs are queued")
  boolean noWait;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file + " (not a readable file)");
    long size = Files.size(file);
    ServiceClient client = ServiceClient.connect(data.dataDir(), true);
    Progress bar = new Progress(System.err);
    long started = System.currentTimeMillis();
    ServiceClient.Response r;
    try (InputStream in = Files.newInputStream(file)) {
      String path = "/api/imports?name=" + URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8);
      r = client.upload(path, "application/octet-stream", in,
          sent -> bar.show(sent, size, "reading " + (sent / 1024) + " of " + (size / 1024) + " KiB", started));
    }
    bar.finish();
    if (!r.ok()) throw new IllegalArgumentException(r.errorMessage());
    JsonNode job = r.json();
    String format = job.path("format").asText();
    if (format.equals("warc") || format.equals("wacz")) {
      for (JsonNode e : job.path("errors")) System.err.println("  could not read " + e.asText());
      System.out.println("imported " + job.path("done").asLong() + " snapshots from " + file.getFileName() + " [" + format + "] ("
          + job.path("existing").asLong() + " already in the archive, " + job.path("skipped").asLong() + " records unreadable)");
      return 0;
    }
    System.err.println("queued " + job.path("queued").asLong() + " URLs (" + job.path("existing").asLong()
        + " already queued, " + job.path("skipped").asLong() + " skipped) from " + file.getFileName()
        + " [" + job.path("format").asText() + "]");
    for (JsonNode e : job.path("errors")) System.err.println("  skipped " + e.asText());
    if (noWait) return 0;
    long id = job.path("id").asLong();
    long startedFetching = System.currentTimeMillis();
    while (true) {
      ServiceClient.Response s = client.send("GET", "/api/imports/" + id, null);
      if (!s.ok()) throw new IllegalStateException(s.errorMessage());
      job = s.json();
      long queued = job.path("queued").asLong();
      long done = job.path("done").asLong();
      long failed = job.path("failed").asLong();
      bar.show(done + failed, queued, "queued " + queued + " · done " + done + " · failed " + failed, startedFetching);
      if (!job.path("state").asText().equals("queued")) break;
      Thread.sleep(250);
    }
    bar.finish();
    System.out.println("imported " + job.path("done").asLong() + " pages, " + job.path("failed").asLong()
        + " failed (see them with the web UI or GET /api/saves?state=failed)");
    return 0;
  }
}

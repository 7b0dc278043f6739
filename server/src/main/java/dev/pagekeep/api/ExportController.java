package dev.pagekeep.api;

import dev.pagekeep.export.ExportFormat;
import dev.pagekeep.export.ExportJobs;
import dev.pagekeep.export.ExportProgress;
import dev.pagekeep.export.MarkdownExporter;
import dev.pagekeep.export.SiteExporter;
import dev.pagekeep.export.WarcExporter;
import dev.pagekeep.export.WaczExporter;
import dev.pagekeep.export.ZipSink;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.store.ArchiveStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/export?format=warc|wacz|site|markdown}: streams the archive out as it is read,
 * a WARC file ({@code &gzip=false} for an uncompressed one), a WACZ (its parts are written to the
 * temporary directory first, then zipped), or a zip of the static site or the Markdown files. A download link in the UI, and what {@code pagekeep export} calls.
 * Each export is a job: its id is in the {@code X-Pagekeep-Export} header, and
 * {@code GET /api/exports[/{id}]} tells how many pages it has written of how many.
 */
final class ExportController {
  private static final Logger log = LoggerFactory.getLogger(ExportController.class);
  /** The header that names the export job of a download. */
  static final String JOB_HEADER = "X-Pagekeep-Export";
  private final ArchiveStore store;
  private final ExportJobs jobs = new ExportJobs(Clock.systemUTC());

  ExportController(ArchiveStore store) {
    this.store = store;
  }

  /** {@code GET /api/exports}: the running and recent exports, newest first. */
  void list(Context ctx) {
    ctx.json(Map.of("exports", jobs.list().stream().map(ExportController::view).toList()));
  }

  /** {@code GET /api/exports/{id}}. */
  void get(Context ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("export id must be a number");
    }
    ctx.json(view(jobs.get(id).orElseThrow(() -> ApiException.notFound("no export " + id))));
  }

  static Map<String, Object> view(ExportProgress p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("format", p.format().wire());
    m.put("state", p.state());
    m.put("done", p.done());
    m.put("total", p.total());
    m.put("startedAt", p.started().toString());
    double seconds = Math.max(0.001, Duration.between(p.started(), Instant.now()).toMillis() / 1000.0);
    m.put("rate", Math.round(p.done() / seconds));
    if (p.error() != null) m.put("error", p.error());
    return m;
  }

  void export(Context ctx) throws IOException {
    ExportFormat format;
    try {
      format = ExportFormat.fromWire(ctx.queryParam("format"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    boolean gzip = !"false".equalsIgnoreCase(ctx.queryParam("gzip"));
    String stamp = Timestamps.format(Instant.now());
    String name = switch (format) {
      case WARC -> "pagekeep-" + stamp + (gzip ? ".warc.gz" : ".warc");
      case WACZ -> "pagekeep-" + stamp + ".wacz";
      case SITE -> "pagekeep-site-" + stamp + ".zip";
      case MARKDOWN -> "pagekeep-markdown-" + stamp + ".zip";
    };
    ctx.contentType(switch (format) {
      case WARC -> gzip ? "application/gzip" : "application/warc";
      case WACZ -> "application/wacz";
      default -> "application/zip";
    });
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    ExportProgress progress = jobs.begin(format, store);
    ctx.header(JOB_HEADER, Long.toString(progress.id()));
    OutputStream out = ctx.outputStream();
    try {
      switch (format) {
        case WARC -> new WarcExporter(store).write(out, gzip, progress);
        case WACZ -> new WaczExporter(store, Path.of(System.getProperty("java.io.tmpdir"))).write(out, progress);
        case SITE -> {
          try (ZipSink zip = new ZipSink(out)) {
            new SiteExporter(store).write(zip, progress);
          }
        }
        case MARKDOWN -> {
          try (ZipSink zip = new ZipSink(out)) {
            new MarkdownExporter(store).write(zip, progress);
          }
        }
      }
      out.flush();
      progress.finished();
    } catch (IOException | RuntimeException e) {
      // Headers are gone: the client sees a truncated download; the log says why.
      progress.failed(e.toString());
      log.error("export {} broke off: {}", format.wire(), e.toString());
      throw e;
    }
  }
}

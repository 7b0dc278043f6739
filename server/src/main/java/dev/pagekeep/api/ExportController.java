package dev.pagekeep.api;

import dev.pagekeep.export.ExportFormat;
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
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/export?format=warc|wacz|site|markdown}: streams the archive out as it is read,
 * a WARC file ({@code &gzip=false} for an uncompressed one), a WACZ (its parts are written to the
 * temporary directory first, then zipped), or a zip of the static site or the Markdown files. A download link in the UI, and what {@code pagekeep export} calls.
 */
final class ExportController {
  private static final Logger log = LoggerFactory.getLogger(ExportController.class);
  private final ArchiveStore store;

  ExportController(ArchiveStore store) {
    this.store = store;
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
    OutputStream out = ctx.outputStream();
    try {
      switch (format) {
        case WARC -> new WarcExporter(store).write(out, gzip);
        case WACZ -> new WaczExporter(store, Path.of(System.getProperty("java.io.tmpdir"))).write(out);
        case SITE -> {
          try (ZipSink zip = new ZipSink(out)) {
            new SiteExporter(store).write(zip);
          }
        }
        case MARKDOWN -> {
          try (ZipSink zip = new ZipSink(out)) {
            new MarkdownExporter(store).write(zip);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Headers are gone: the client sees a truncated download; the log says why.
      log.error("export {} broke off: {}", format.wire(), e.toString());
      throw e;
    }
  }
}

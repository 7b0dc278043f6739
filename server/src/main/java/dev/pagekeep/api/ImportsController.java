package dev.pagekeep.api;

import dev.pagekeep.imports.ImportJob;
import dev.pagekeep.imports.ImportLimitException;
import dev.pagekeep.imports.Importer;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * {@code /api/imports}: the body of {@code POST} is the file itself (a URL list or a bookmarks
 * HTML), read as a stream and queued in batches; the answer comes once every URL is durably
 * queued. A WARC or WACZ (known by content) is answered once its pages are stored as snapshots. {@code GET} shows the progress of recent imports (queued, done, failed, rate, ETA).
 */
final class ImportsController {
  private final Importer importer;

  ImportsController(Importer importer) {
    this.importer = importer;
  }

  void create(Context ctx) throws IOException {
    String name = ctx.queryParam("name");
    if (name != null && name.length() > 200) name = name.substring(0, 200);
    ImportJob job = importer.begin(name);
    // The raw servlet stream: Javalin's body helpers would buffer (and cap) the whole file.
    try (InputStream in = ctx.req().getInputStream()) {
      importer.run(job, in);
    } catch (ImportLimitException e) {
      throw new ApiException(413, "too_large", e.getMessage() + "; " + job.queued() + " URLs before it were queued");
    } catch (IOException e) {
      throw ApiException.badRequest("the upload broke off after " + job.queued() + " queued URLs: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage()); // a zip that is not a WACZ, a gzip that is not a WARC
    }
    ctx.status(202).json(importer.view(job));
  }

  void list(Context ctx) {
    ctx.json(Map.of("imports", importer.views()));
  }

  void get(Context ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("an import id is a number, not '" + ctx.pathParam("id") + "'");
    }
    ImportJob job = importer.job(id).orElseThrow(() -> ApiException.notFound("no import " + id + " (only recent imports are kept)"));
    ctx.json(importer.view(job));
  }
}

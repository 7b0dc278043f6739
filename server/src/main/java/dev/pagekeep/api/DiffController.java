package dev.pagekeep.api;

import dev.pagekeep.diff.SnapshotDiff;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.page.Pages;
import dev.pagekeep.replay.ReplaySite;
import dev.pagekeep.replay.Replayer;
import io.javalin.http.Context;

/**
 * Text diffs between two snapshots of one URL: {@code GET /diff/{from}/{to}/{url}} for people
 * (linked from the replay banner) and {@code GET /api/snapshots/{hashUrl}/diff?from=&to=} as JSON.
 */
final class DiffController {
  private final SnapshotDiff diffs;
  private final SnapshotsController snapshots;
  private final WebController web;

  DiffController(SnapshotDiff diffs, SnapshotsController snapshots, WebController web) {
    this.diffs = diffs;
    this.snapshots = snapshots;
    this.web = web;
  }

  void page(Context ctx) {
    if (web.bounce(ctx)) return;
    ReplaySite site = web.site(ctx);
    String raw = ctx.req().getRequestURI();
    String[] parts = raw.substring(raw.indexOf("/diff/") + 6).split("/", 3);
    ctx.header("Content-Security-Policy", Replayer.CSP).contentType("text/html; charset=utf-8");
    if (parts.length < 3 || !Timestamps.isTimestamp(parts[0]) || !Timestamps.isTimestamp(parts[1])) {
      ctx.status(400).result(message("Not a diff address", "Use /diff/{from timestamp}/{to timestamp}/{url}.", site));
      return;
    }
    String url = ctx.queryString() == null ? parts[2] : parts[2] + "?" + ctx.queryString();
    try {
      ctx.result(SnapshotDiff.html(diffs.between(url, parts[0], parts[1]), site));
    } catch (SnapshotDiff.NotComparable e) {
      ctx.status(404).result(message("Nothing to compare", e.getMessage(), site));
    }
  }

  void json(Context ctx) {
    String key = snapshots.resolve(ctx.pathParam("hashUrl"));
    String from = ctx.queryParam("from");
    String to = ctx.queryParam("to");
    for (String ts : new String[] {from, to}) {
      if (ts != null && !Timestamps.isFull(ts)) {
        throw ApiException.badRequest("a timestamp is 14 digits, yyyyMMddHHmmss");
      }
    }
    try {
      ctx.json(SnapshotDiff.json(diffs.byKey(key, from, to)));
    } catch (SnapshotDiff.NotComparable e) {
      throw ApiException.notFound(e.getMessage());
    }
  }

  private static String message(String title, String text, ReplaySite site) {
    return Pages.error(title, text, site.ui("/"));
  }
}

package dev.pagekeep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.model.RecaptureCheck;
import dev.pagekeep.model.Watch;
import dev.pagekeep.store.WatchStore;
import dev.pagekeep.watch.Every;
import dev.pagekeep.watch.Watcher;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/watches} (feeds and pages followed, URLs re-captured on a schedule), a URL's
 * re-capture checks ({@code /api/snapshots/{hashUrl}/checks}) and {@code /api/changes} (pages that
 * changed since they were saved).
 */
final class WatchesController {
  private final Watcher watcher;
  private final SnapshotsController snapshots;
  private final ObjectMapper json;

  WatchesController(Watcher watcher, SnapshotsController snapshots, ObjectMapper json) {
    this.watcher = watcher;
    this.snapshots = snapshots;
    this.json = json;
  }

  void create(Context ctx) {
    JsonNode body = readJson(ctx);
    JsonNode url = body.get("url");
    if (url == null || !url.isTextual()) throw ApiException.badRequest("\"url\" must be a string");
    JsonNode every = body.get("every");
    if (every != null && !every.isNull() && !every.isTextual()) throw ApiException.badRequest("\"every\" must be a string such as \"1d\"");
    WatchStore.Added added;
    try {
      added = watcher.add(url.asText(), every == null || every.isNull() ? null : every.asText(),
          flag(body, "links"), flag(body, "recapture"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    Map<String, Object> out = view(added.watch());
    if (added.existing()) out.put("existing", true);
    ctx.status(added.existing() ? 200 : 201).json(out);
  }

  void list(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Watch w : watcher.watches().all()) out.add(view(w));
    ctx.json(Map.of("watches", out));
  }

  void get(Context ctx) {
    ctx.json(view(watcher.watches().get(id(ctx)).orElseThrow(() -> ApiException.notFound("no watch " + ctx.pathParam("id")))));
  }

  /** Checks now and answers when the check is recorded. */
  void check(Context ctx) {
    long id = id(ctx);
    Watch w = watcher.check(id).orElseThrow(() -> ApiException.notFound("no watch " + id));
    ctx.json(view(w));
  }

  void delete(Context ctx) {
    long id = id(ctx);
    if (!watcher.watches().remove(id)) throw ApiException.notFound("no watch " + id);
    ctx.json(Map.of("deleted", id));
  }

  /** {@code GET /api/snapshots/{hashUrl}/checks}: the URL's re-captures, unchanged ones included. */
  void checks(Context ctx) {
    String key = snapshots.resolve(ctx.pathParam("hashUrl"));
    List<Map<String, Object>> out = new ArrayList<>();
    for (RecaptureCheck c : watcher.watches().checks(key)) out.add(view(c));
    ctx.json(Map.of("checks", out));
  }

  /** {@code GET /api/changes}: pages whose re-capture found new content, newest first. */
  void changes(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RecaptureCheck c : watcher.watches().changes(Pages.limit(ctx))) out.add(view(c));
    ctx.json(Map.of("changes", out));
  }

  private static Map<String, Object> view(RecaptureCheck c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", c.url());
    m.put("hashUrl", c.urlKey().substring(0, 10));
    m.put("at", Instant.ofEpochMilli(c.at()).toString());
    m.put("result", c.result());
    m.put("since", c.since());
    if (c.saveId() > 0) m.put("saveId", c.saveId());
    m.put("watchId", c.watchId());
    return m;
  }

  static Map<String, Object> view(Watch w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", w.id());
    m.put("url", w.url());
    m.put("every", Every.format(w.everySeconds()));
    m.put("links", w.links());
    m.put("recapture", w.recapture());
    if (w.kind() != null) m.put("kind", w.kind());
    if (w.title() != null && !w.title().isBlank()) m.put("title", w.title());
    m.put("created", Instant.ofEpochMilli(w.created()).toString());
    if (w.lastCheck() > 0) m.put("lastCheck", Instant.ofEpochMilli(w.lastCheck()).toString());
    m.put("nextCheck", Instant.ofEpochMilli(w.nextCheck()).toString());
    if (w.lastResult() != null) m.put("lastResult", w.lastResult());
    if (w.error() != null) m.put("error", w.error());
    m.put("added", w.added() == null ? List.of() : w.added());
    if (w.addedAt() > 0) m.put("addedAt", Instant.ofEpochMilli(w.addedAt()).toString());
    m.put("addedTotal", w.addedTotal());
    return m;
  }

  private static boolean flag(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) return false;
    if (!v.isBoolean()) throw ApiException.badRequest("\"" + field + "\" must be true or false");
    return v.asBoolean();
  }

  private static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("a watch id is a number, not '" + ctx.pathParam("id") + "'");
    }
  }

  private JsonNode readJson(Context ctx) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
    if (!type.startsWith("application/json")) {
      throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
    }
    try {
      JsonNode node = json.readTree(ctx.bodyAsBytes());
      if (node == null || !node.isObject()) throw ApiException.badRequest("the body must be a JSON object");
      return node;
    } catch (IOException e) {
      throw ApiException.badRequest("the body is not valid JSON");
    }
  }
}

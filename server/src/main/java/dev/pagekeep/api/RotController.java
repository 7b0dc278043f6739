package dev.pagekeep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.replay.WaybackUrl;
import dev.pagekeep.rot.RotChecker;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.RotLedger;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Link rot and the extension's lookup: {@code GET /api/lookup?url=} (is this URL archived, how many
 * versions, is it gone), {@code POST /api/rot/check} (check now: one URL, some, or the whole
 * archive) and {@code GET /api/rot} (where the check stands, and the gone URLs).
 */
final class RotController {
  static final int MAX_URLS = 100;

  private final ArchiveStore store;
  private final RotChecker checker; // null: checks answer 501
  private final ObjectMapper json;

  RotController(ArchiveStore store, RotChecker checker, ObjectMapper json) {
    this.store = store;
    this.checker = checker;
    this.json = json;
  }

  /** {@code GET /api/lookup?url=}: one cheap answer per navigation of the browser. */
  void lookup(Context ctx) {
    String url = ctx.queryParam("url");
    if (url == null || url.isBlank()) throw ApiException.badRequest("lookup needs ?url=");
    if (url.length() > 8192) throw ApiException.badRequest("the URL is longer than 8192 characters");
    int versions = 0;
    Capture newest = null;
    for (String key : store.keysForUrl(url)) {
      List<Capture> vs = store.versions(key);
      versions += vs.size();
      if (!vs.isEmpty()) {
        Capture last = vs.get(vs.size() - 1);
        if (newest == null || last.timestamp().compareTo(newest.timestamp()) > 0) newest = last;
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("url", url);
    body.put("archived", newest != null);
    body.put("versions", versions);
    if (newest != null) {
      body.put("hashUrl", newest.hashUrl());
      body.put("urlKey", newest.urlKey());
      body.put("timestamp", newest.timestamp());
      body.put("replay", WaybackUrl.framed(newest.timestamp(), newest.url()).path());
      store.rot().gone(newest.urlKey()).ifPresent(g -> body.put("gone", gone(g)));
    }
    ctx.json(body);
  }

  /**
   * {@code POST /api/rot/check}: with {@code {"url"}} or {@code {"urls":[...]}} (archived URLs, at
   * most {@value #MAX_URLS}) checks them now and answers what was found; with no body, starts a pass
   * over the whole archive now and answers 202 with the status.
   */
  void check(Context ctx) {
    if (checker == null) throw new ApiException(501, "not_implemented", "link-rot checks are not enabled in this service");
    byte[] raw = ctx.bodyAsBytes();
    JsonNode body = raw.length == 0 ? null : parse(raw);
    if (body == null || (!body.has("url") && !body.has("urls"))) {
      ctx.status(202).json(status(checker.checkAllNow()));
      return;
    }
    List<String> urls = new ArrayList<>();
    if (body.has("url")) urls.add(text(body.get("url"), "url"));
    if (body.has("urls")) {
      JsonNode list = body.get("urls");
      if (!list.isArray() || list.isEmpty()) throw ApiException.badRequest("\"urls\" must be a non-empty array of strings");
      if (list.size() > MAX_URLS) throw ApiException.badRequest("\"urls\" holds " + list.size() + " URLs; the limit is " + MAX_URLS);
      for (JsonNode u : list) urls.add(text(u, "urls"));
    }
    List<RotLedger.Target> targets = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String url : urls) {
      List<String> keys = store.keysForUrl(url).stream().filter(k -> !store.versions(k).isEmpty()).toList();
      if (keys.isEmpty()) unknown.add(url);
      for (String k : keys) targets.add(new RotLedger.Target(k, store.url(k).orElse(url)));
    }
    if (targets.isEmpty()) throw ApiException.notFound("not in the archive: " + String.join(", ", unknown));
    List<Map<String, Object>> out = new ArrayList<>();
    for (RotLedger.Result r : checker.check(targets)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("url", r.target().url());
      m.put("hashUrl", r.target().urlKey().substring(0, UrlKeys.HASH_URL_LENGTH));
      m.put("verdict", r.verdict().name().toLowerCase());
      m.put("reason", r.reason());
      if (r.status() > 0) m.put("status", r.status());
      store.rot().gone(r.target().urlKey()).ifPresent(g -> m.put("gone", gone(g)));
      out.add(m);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("results", out);
    if (!unknown.isEmpty()) answer.put("notArchived", unknown);
    ctx.json(answer);
  }

  /** {@code GET /api/rot?limit=&cursor=}: the check's status and the gone URLs, in key order. */
  void list(Context ctx) {
    int limit = Pages.limit(ctx);
    String cursor = ctx.queryParam("cursor");
    if (cursor != null && !cursor.matches("[0-9a-f]{32}")) throw ApiException.badRequest("bad cursor");
    List<RotLedger.Gone> page = store.rot().goneAfter(cursor, limit + 1);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, page.size()); i++) {
      RotLedger.Gone g = page.get(i);
      Map<String, Object> m = gone(g);
      m.put("url", g.url());
      m.put("hashUrl", g.urlKey().substring(0, UrlKeys.HASH_URL_LENGTH));
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    if (checker != null) body.put("check", status(checker.status()));
    body.put("gone", out);
    if (page.size() > limit) body.put("next", page.get(limit - 1).urlKey());
    ctx.json(body);
  }

  /** The "gone" object every listing carries for a gone URL. */
  static Map<String, Object> gone(RotLedger.Gone g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reason", g.reason());
    if (g.status() > 0) m.put("status", g.status());
    m.put("since", g.since().toString());
    m.put("lastChecked", g.lastChecked().toString());
    return m;
  }

  /** Adds {@code "gone"} to a listed snapshot when its URL is gone. */
  static Map<String, Object> withGone(ArchiveStore store, Map<String, Object> snapshot, String urlKey) {
    Optional<RotLedger.Gone> g = store.rot().gone(urlKey);
    g.ifPresent(x -> snapshot.put("gone", gone(x)));
    return snapshot;
  }

  private static Map<String, Object> status(RotChecker.Status s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("passUnderway", s.passUnderway() || s.urgent());
    m.put("checked", s.checked());
    m.put("goneFound", s.goneFound());
    m.put("gone", s.gone());
    put(m, "passStarted", s.passStarted());
    put(m, "lastPassEnded", s.lastPassEnded());
    put(m, "nextPass", s.urgent() ? null : s.nextPass());
    return m;
  }

  private static void put(Map<String, Object> m, String key, Instant at) {
    if (at != null) m.put(key, at.toString());
  }

  private JsonNode parse(byte[] raw) {
    try {
      JsonNode node = json.readTree(raw);
      if (node == null || node.isNull()) return null;
      if (!node.isObject()) throw ApiException.badRequest("the body must be a JSON object");
      return node;
    } catch (IOException e) {
      throw ApiException.badRequest("the body is not valid JSON");
    }
  }

  private static String text(JsonNode node, String field) {
    if (node == null || !node.isTextual() || node.asText().isBlank()) throw ApiException.badRequest("\"" + field + "\" must hold URL strings");
    return node.asText();
  }
}

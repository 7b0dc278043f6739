package dev.pagekeep.api;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.search.SearchIndex;
import dev.pagekeep.search.SearchIndexer;
import dev.pagekeep.store.ArchiveStore;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/snapshots} and {@code /api/stats}: what the archive holds. */
final class SnapshotsController {
  private final ArchiveStore store;
  private final dev.pagekeep.archive.Archiver archiver;
  private final SearchIndexer search;

  /** {@code search} may be null: then {@code ?q=} answers 501. */
  SnapshotsController(ArchiveStore store, dev.pagekeep.archive.Archiver archiver, SearchIndexer search) {
    this.store = store;
    this.archiver = archiver;
    this.search = search;
  }

  void list(Context ctx) {
    String q = ctx.queryParam("q");
    int limit = Pages.limit(ctx);
    if (q != null && !q.isBlank()) {
      search(ctx, q, limit);
      return;
    }
    String cursor = ctx.queryParam("cursor");
    if (cursor != null && !cursor.matches("\\d{14}/[0-9a-f]{32}")) throw ApiException.badRequest("bad cursor");
    String group = ctx.queryParam("group");
    if (group != null && !group.equals("url")) throw ApiException.badRequest("group must be url");
    List<Capture> pages = group == null ? store.pages(cursor, limit + 1) : newestOfEachUrl(cursor, limit + 1);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, pages.size()); i++) {
      Capture c = pages.get(i);
      out.add(RotController.withGone(store, group == null ? Views.snapshot(c) : withVersions(c), c.urlKey()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("snapshots", out);
    if (pages.size() > limit) {
      Capture last = pages.get(limit - 1);
      body.put("next", last.timestamp() + "/" + last.urlKey());
    }
    ctx.json(body);
  }

  /**
   * {@code ?group=url}: one entry per URL, its newest snapshot, in the order of those snapshots. A
   * snapshot is listed only when it is its URL's newest, so the cursor (the last entry listed) pages
   * through URLs without repeating one.
   */
  private List<Capture> newestOfEachUrl(String cursor, int want) {
    List<Capture> out = new ArrayList<>();
    String at = cursor;
    int batch = Math.max(want, 64);
    // Each URL's newest timestamp, read once per request: a URL saved thousands of times would
    // otherwise re-read all its versions for each of its snapshots the walk passes (116 s for 3,000).
    Map<String, String> newestOf = new HashMap<>();
    while (out.size() < want) {
      List<Capture> pages = store.pages(at, batch);
      for (Capture c : pages) {
        String newest = newestOf.computeIfAbsent(c.urlKey(), k -> {
          List<Capture> versions = store.versions(k);
          return versions.isEmpty() ? "" : versions.get(versions.size() - 1).timestamp();
        });
        if (newest.equals(c.timestamp())) out.add(c);
        if (out.size() == want) break;
      }
      if (pages.size() < batch) break;
      Capture last = pages.get(pages.size() - 1);
      at = last.timestamp() + "/" + last.urlKey();
    }
    return out;
  }

  private static boolean sameContent(Capture a, Capture b) {
    if (a.textDigest() != null && b.textDigest() != null) return a.textDigest().equals(b.textDigest());
    return a.digest() != null && a.digest().equals(b.digest());
  }

  /** A URL's entry in a grouped list: its newest snapshot and how many versions it has. */
  private Map<String, Object> withVersions(Capture newest) {
    Map<String, Object> m = Views.snapshot(newest);
    m.put("versions", store.versions(newest.urlKey()).size());
    return m;
  }

  /** Best match first, one entry per URL (its best snapshot); the cursor is an offset. */
  private void search(Context ctx, String q, int limit) {
    if (search == null) throw new ApiException(501, "search_unavailable", "full-text search is not enabled in this service");
    String cursor = ctx.queryParam("cursor");
    int offset = 0;
    if (cursor != null && !cursor.isBlank()) {
      if (!cursor.matches("\\d{1,7}")) throw ApiException.badRequest("bad cursor");
      offset = Integer.parseInt(cursor);
    }
    SearchIndex.Results results = search.index().search(q, offset, limit);
    List<Map<String, Object>> out = new ArrayList<>();
    for (SearchIndex.Hit hit : results.hits()) {
      store.capture(hit.urlKey(), hit.timestamp()).ifPresent(c -> {
        Map<String, Object> m = withVersions(c);
        RotController.withGone(store, m, c.urlKey());
        m.put("score", hit.score());
        m.put("snippet", hit.snippet());
        if (hit.titleHighlight() != null) m.put("titleHighlight", hit.titleHighlight());
        out.add(m);
      });
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("snapshots", out);
    body.put("matches", results.matchingSnapshots());
    if (results.nextOffset() >= 0) body.put("next", String.valueOf(results.nextOffset()));
    ctx.json(body);
  }

  /** {@code POST /api/reindex}: rebuilds the search index from the store in the background. */
  void reindex(Context ctx) {
    if (search == null) throw new ApiException(501, "search_unavailable", "full-text search is not enabled in this service");
    boolean started = search.rebuildInBackground();
    Map<String, Object> body = new LinkedHashMap<>(search.status());
    body.put("started", started);
    ctx.status(202).json(body);
  }

  /** {@code GET /api/reindex}: how far the rebuild is. */
  void reindexStatus(Context ctx) {
    if (search == null) throw new ApiException(501, "search_unavailable", "full-text search is not enabled in this service");
    ctx.json(search.status());
  }

  void get(Context ctx) {
    String key = resolve(ctx.pathParam("hashUrl"));
    List<Capture> versions = store.versions(key);
    if (versions.isEmpty()) throw ApiException.notFound("no snapshot of " + ctx.pathParam("hashUrl"));
    Capture newest = versions.get(versions.size() - 1);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("url", newest.url());
    body.put("hashUrl", newest.hashUrl());
    body.put("urlKey", key);
    body.put("title", newest.title());
    body.put("tags", newest.tags() == null ? List.of() : newest.tags());
    RotController.withGone(store, body, key);
    List<Map<String, Object>> vs = new ArrayList<>();
    Capture previous = null;
    for (Capture c : versions) {
      Map<String, Object> v = Views.version(c);
      // The same text as the version before (the same bytes when there is no text): worth knowing before a diff.
      v.put("unchanged", previous != null && sameContent(previous, c));
      vs.add(v);
      previous = c;
    }
    body.put("versions", vs);
    ctx.json(body);
  }

  void delete(Context ctx) {
    String key = resolve(ctx.pathParam("hashUrl"));
    String ts = ctx.pathParamMap().get("timestamp");
    if (ts != null && !Timestamps.isFull(ts)) {
      throw ApiException.badRequest("a timestamp is 14 digits, yyyyMMddHHmmss");
    }
    int n = store.deleteSnapshots(key, ts);
    if (n == 0) throw ApiException.notFound("no snapshot " + ctx.pathParam("hashUrl") + (ts == null ? "" : "/" + ts));
    if (search != null) search.onDeleted(key, ts);
    ctx.json(Map.of("deleted", n));
  }

  void stats(Context ctx) {
    ArchiveStore.Stats s = store.stats();
    long fetching = archiver.inFlightCount();
    Map<String, Object> saves = new LinkedHashMap<>();
    saves.put("queued", Math.max(0, s.queued() - fetching));
    saves.put("fetching", fetching);
    saves.put("done", s.done());
    saves.put("failed", s.failed());
    saves.put("needsBrowser", s.needsBrowser());
    Map<String, Object> bytes = new LinkedHashMap<>();
    bytes.put("logical", s.logicalBytes());
    bytes.put("stored", s.storedBytes());
    bytes.put("blobs", s.blobs());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("snapshots", s.pages());
    body.put("urls", s.urls());
    body.put("saves", saves);
    body.put("bytes", bytes);
    var d = archiver.dispatcher();
    Map<String, Object> dispatch = new LinkedHashMap<>();
    dispatch.put("running", d.runningCount());
    dispatch.put("recording", d.recordingCount());
    dispatch.put("ready", d.readyCount());
    dispatch.put("runningHosts", d.runningByHost().size());
    dispatch.put("maxPages", d.maxPages());
    dispatch.put("maxPagesPerHost", d.maxPagesPerHost());
    body.put("dispatch", dispatch);
    if (archiver.isPausedForDiskFull()) body.put("diskFull", true);
    ctx.json(body);
  }

  /** A hashUrl (10 hex), a full urlKey, or any prefix between; ambiguous prefixes answer 409. */
  String resolve(String id) {
    String k = id == null ? "" : id.toLowerCase();
    if (!UrlKeys.looksLikeKey(k)) throw ApiException.badRequest("'" + id + "' is not a hashUrl (10 to 32 hex characters)");
    List<String> keys = store.resolveKey(k);
    if (keys.isEmpty()) throw ApiException.notFound("no snapshot " + id);
    if (keys.size() > 1) {
      List<Map<String, String>> candidates = new ArrayList<>();
      for (String key : keys) candidates.add(Map.of("urlKey", key, "url", store.url(key).orElse("")));
      throw new ApiException(409, "ambiguous", id + " matches " + keys.size() + " URLs; use the full urlKey",
          Map.of("candidates", candidates));
    }
    return keys.get(0);
  }
}

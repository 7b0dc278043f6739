package dev.pagekeep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.archive.Archiver;
import dev.pagekeep.model.InvalidUrlException;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveLimits;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.ArchiveStore.Enqueued;
import dev.pagekeep.store.ArchiveStore.NewResource;
import dev.pagekeep.store.ArchiveStore.NewSave;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /api/saves}: queue saves durably, follow them, retry or delete them. */
final class SavesController {
  static final int MAX_URLS_PER_REQUEST = 10_000;
  static final int MAX_HTML_BYTES = 32 * 1024 * 1024;
  /** Requisites the browser sends with one save: how many, each body, all bodies together (decoded). */
  static final int MAX_RESOURCES = 2000;
  static final int MAX_RESOURCE_BYTES = 16 * 1024 * 1024;
  static final int MAX_RESOURCES_TOTAL_BYTES = 48 * 1024 * 1024;
  private static final int MAX_RESOURCE_URL_CHARS = 8192;
  /** The largest body: the HTML, the resources as base64 (4/3 of their bytes) and room for the rest. */
  static final long MAX_REQUEST_BYTES = MAX_HTML_BYTES + MAX_RESOURCES_TOTAL_BYTES / 3L * 4 + 4L * 1024 * 1024;
  private static final Set<String> SOURCES = Set.of("toolbar", "context-menu", "links-on-page", "api", "import", "cli", "watch", "ui");

  private final ArchiveStore store;
  private final Archiver archiver;
  private final Views views;
  private final ObjectMapper json;

  SavesController(ArchiveStore store, Archiver archiver, Views views, ObjectMapper json) {
    this.store = store;
    this.archiver = archiver;
    this.views = views;
    this.json = json;
  }

  /** 202 only once the saves are committed: the store returns after the commit. */
  void create(Context ctx) {
    JsonNode body = readJson(ctx);
    List<String> urls = new ArrayList<>();
    if (body.hasNonNull("url")) urls.add(text(body.get("url"), "url"));
    if (body.has("urls")) {
      if (!body.get("urls").isArray()) throw ApiException.badRequest("\"urls\" must be an array of strings");
      for (JsonNode u : body.get("urls")) urls.add(text(u, "urls[]"));
    }
    if (urls.isEmpty()) throw ApiException.badRequest("give \"url\" or \"urls\"");
    if (urls.size() > MAX_URLS_PER_REQUEST) {
      throw ApiException.badRequest("at most " + MAX_URLS_PER_REQUEST + " URLs per request (use pagekeep import for more)");
    }
    String source = body.hasNonNull("source") ? text(body.get("source"), "source") : "api";
    if (!SOURCES.contains(source)) throw ApiException.badRequest("unknown source '" + source + "'; one of " + SOURCES);
    // Copied into every save of the request: bounded per save, whatever the request's size.
    String title = body.hasNonNull("title") ? SaveLimits.title(text(body.get("title"), "title")) : null;
    byte[] html = null;
    if (body.hasNonNull("html")) {
      if (urls.size() != 1) throw ApiException.badRequest("\"html\" goes with exactly one \"url\"");
      html = text(body.get("html"), "html").getBytes(StandardCharsets.UTF_8);
      if (html.length > MAX_HTML_BYTES) throw new ApiException(413, "too_large", "the page's HTML is over " + MAX_HTML_BYTES + " bytes");
    }
    Integer status = null;
    if (body.hasNonNull("status")) {
      if (html == null) throw ApiException.badRequest("\"status\" goes with \"html\" (the status of the page the browser showed)");
      JsonNode st = body.get("status");
      if (!st.canConvertToInt() || !st.isIntegralNumber() || st.asInt() < 100 || st.asInt() > 599) {
        throw ApiException.badRequest("\"status\" must be an HTTP status from 100 to 599");
      }
      status = st.asInt();
    }
    List<NewResource> resources = null;
    if (body.hasNonNull("resources")) {
      if (urls.size() != 1) throw ApiException.badRequest("\"resources\" go with exactly one \"url\"");
      resources = resources(body.get("resources"));
    }
    List<String> tags = null;
    if (body.has("tags")) {
      if (!body.get("tags").isArray() || body.get("tags").size() > SaveLimits.MAX_TAGS) {
        throw ApiException.badRequest("\"tags\" must be an array of at most " + SaveLimits.MAX_TAGS + " strings");
      }
      tags = new ArrayList<>();
      for (JsonNode t : body.get("tags")) {
        String tag = text(t, "tags[]");
        if (tag.length() > SaveLimits.MAX_TAG_LENGTH) {
          throw ApiException.badRequest("a tag is at most " + SaveLimits.MAX_TAG_LENGTH + " characters, not " + tag.length());
        }
        tags.add(tag);
      }
      tags = SaveLimits.tags(tags);
    }
    if (body.hasNonNull("saveId")) {
      browserCaptured(ctx, body.get("saveId"), urls, source, title, html, tags, status, resources);
      return;
    }
    // A batch queues every URL it can and lists the others with their reasons; one bad link on a
    // page must not cost the rest. Only a request with nothing to queue is an error.
    List<NewSave> saves = new ArrayList<>(urls.size());
    List<Map<String, Object>> rejected = new ArrayList<>();
    InvalidUrlException firstBad = null;
    for (String u : urls) {
      try {
        UrlKeys.validate(u);
        saves.add(new NewSave(u, source, title, html, tags, status, resources));
      } catch (InvalidUrlException e) {
        if (firstBad == null) firstBad = e;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("url", e.url()); // as the reason shows it: never with credentials
        r.put("error", e.getMessage());
        rejected.add(r);
      }
    }
    if (saves.isEmpty()) {
      throw new ApiException(400, "invalid_url", rejected.size() == 1 ? firstBad.getMessage()
          : "none of the " + rejected.size() + " URLs can be archived; first: " + firstBad.getMessage(),
          Map.of("rejected", rejected));
    }
    List<Enqueued> queued;
    try {
      queued = store.enqueue(saves);
    } catch (InvalidUrlException e) {
      throw new ApiException(400, "invalid_url", e.getMessage());
    }
    List<Save> fresh = new ArrayList<>(queued.size());
    for (Enqueued e : queued) if (!e.existing()) fresh.add(e.save());
    archiver.enqueued(fresh);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Enqueued e : queued) {
      Map<String, Object> m = views.saveBrief(e.save());
      if (e.existing()) m.put("existing", true);
      out.add(m);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("saves", out);
    if (!rejected.isEmpty()) answer.put("rejected", rejected);
    ctx.status(202).json(answer);
  }

  /**
   * {@code "resources":[{"url","contentType"?,"status"?,"base64"}]}: requisites the browser fetched
   * with its own session. Bounded in number, per body and in total; any bad entry fails the request.
   */
  private static List<NewResource> resources(JsonNode list) {
    if (!list.isArray()) throw ApiException.badRequest("\"resources\" must be an array of {\"url\",\"contentType\",\"status\",\"base64\"}");
    if (list.size() > MAX_RESOURCES) throw new ApiException(413, "too_large", "at most " + MAX_RESOURCES + " resources per save, not " + list.size());
    List<NewResource> out = new ArrayList<>(list.size());
    long total = 0;
    for (int i = 0; i < list.size(); i++) {
      JsonNode r = list.get(i);
      String at = "resources[" + i + "]";
      if (!r.isObject()) throw ApiException.badRequest(at + " must be an object");
      String url = text(r.get("url"), at + ".url");
      String lower = url.toLowerCase(java.util.Locale.ROOT);
      if (url.length() > MAX_RESOURCE_URL_CHARS || !(lower.startsWith("http://") || lower.startsWith("https://"))) {
        throw ApiException.badRequest(at + ".url must be an http or https URL of at most " + MAX_RESOURCE_URL_CHARS + " characters");
      }
      String type = null;
      if (r.hasNonNull("contentType")) {
        type = text(r.get("contentType"), at + ".contentType");
        if (type.length() > 256 || type.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
          throw ApiException.badRequest(at + ".contentType must be a printable ASCII media type of at most 256 characters");
        }
      }
      int status = 200;
      if (r.hasNonNull("status")) {
        JsonNode st = r.get("status");
        if (!st.isIntegralNumber() || !st.canConvertToInt() || st.asInt() < 100 || st.asInt() > 599) {
          throw ApiException.badRequest(at + ".status must be an HTTP status from 100 to 599");
        }
        status = st.asInt();
      }
      String base64 = text(r.get("base64"), at + ".base64");
      if (base64.length() / 4L * 3 > MAX_RESOURCE_BYTES + 3L) {
        throw new ApiException(413, "too_large", at + " is over " + MAX_RESOURCE_BYTES + " bytes");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(at + ".base64 is not valid base64");
      }
      if (bytes.length > MAX_RESOURCE_BYTES) throw new ApiException(413, "too_large", at + " is over " + MAX_RESOURCE_BYTES + " bytes");
      total += bytes.length;
      if (total > MAX_RESOURCES_TOTAL_BYTES) {
        throw new ApiException(413, "too_large", "the resources are over " + MAX_RESOURCES_TOTAL_BYTES + " bytes together");
      }
      out.add(new NewResource(url, type, status, bytes));
    }
    return out;
  }

  /**
   * {@code "saveId"}: the DOM the browser captured for a save waiting in {@code needs-browser}; that
   * save goes back on the queue with it (and ends done), no new save is made.
   */
  private void browserCaptured(Context ctx, JsonNode saveId, List<String> urls, String source, String title,
                               byte[] html, List<String> tags, Integer status, List<NewResource> resources) {
    if (!saveId.canConvertToLong() || !saveId.isIntegralNumber()) throw ApiException.badRequest("\"saveId\" must be a save id (a number)");
    if (urls.size() != 1 || html == null) throw ApiException.badRequest("\"saveId\" goes with exactly one \"url\" and its \"html\"");
    Save saved;
    try {
      saved = store.browserCaptured(saveId.asLong(), new NewSave(urls.get(0), source, title, html, tags, status, resources));
    } catch (InvalidUrlException e) {
      throw new ApiException(400, "invalid_url", e.getMessage());
    } catch (IllegalStateException e) {
      if (store.save(saveId.asLong()).isEmpty()) throw ApiException.notFound(e.getMessage());
      throw new ApiException(409, "not_needs_browser", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    archiver.enqueued(List.of(saved));
    ctx.status(202).json(Map.of("saves", List.of(views.saveBrief(saved))));
  }

  void get(Context ctx) {
    ctx.json(views.save(find(ctx)));
  }

  void list(Context ctx) {
    int limit = Pages.limit(ctx);
    long before = Pages.longCursor(ctx);
    String stateParam = ctx.queryParam("state");
    List<Save> found = new ArrayList<>();
    if (stateParam == null || stateParam.isBlank()) {
      for (SaveState s : SaveState.values()) found.addAll(store.saves(s, before, limit + 1));
      found.sort(Comparator.comparingLong(Save::id).reversed());
    } else {
      SaveState state;
      try {
        state = SaveState.fromWire(stateParam);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
      if (state == SaveState.FETCHING) {
        // Few saves are in flight; never walk the (possibly huge) queue to find them.
        for (long id : archiver.inFlightIds()) {
          if (id < before) store.save(id).filter(s -> s.state() == SaveState.QUEUED).ifPresent(found::add);
        }
        found.sort(Comparator.comparingLong(Save::id).reversed());
      } else {
        found.addAll(store.saves(state, before, limit + 1));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> page = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, found.size()); i++) page.add(views.save(found.get(i)));
    out.put("saves", page);
    if (found.size() > limit) out.put("next", String.valueOf(found.get(limit - 1).id()));
    ctx.json(out);
  }

  void retry(Context ctx) {
    Save s = find(ctx);
    if (s.state() != SaveState.FAILED && s.state() != SaveState.NEEDS_BROWSER) {
      throw new ApiException(409, "not_failed", "save " + s.id() + " is " + views.state(s) + ", only failed or needs-browser saves can be retried");
    }
    Save again = store.retry(s.id());
    archiver.enqueued(List.of(again));
    ctx.status(202).json(views.save(again));
  }

  void delete(Context ctx) {
    Save s = find(ctx);
    if (archiver.isInFlight(s.id())) throw new ApiException(409, "in_flight", "save " + s.id() + " is being fetched; try again when it is done");
    archiver.forget(s.id());
    store.deleteSave(s.id());
    ctx.json(Map.of("deleted", 1));
  }

  private Save find(Context ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("a save id is a number, not '" + ctx.pathParam("id") + "'");
    }
    return store.save(id).orElseThrow(() -> ApiException.notFound("no save " + id));
  }

  private JsonNode readJson(Context ctx) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
    if (!type.startsWith("application/json")) {
      throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
    }
    try {
      JsonNode node = json.readTree(ctx.bodyAsBytes()); // bodyAsBytes enforces maxRequestSize
      if (node == null || !node.isObject()) throw ApiException.badRequest("the body must be a JSON object");
      return node;
    } catch (IOException e) {
      throw ApiException.badRequest("the body is not valid JSON");
    }
  }

  private static String text(JsonNode node, String field) {
    if (node == null || !node.isTextual()) throw ApiException.badRequest("\"" + field + "\" must be a string");
    return node.asText();
  }
}

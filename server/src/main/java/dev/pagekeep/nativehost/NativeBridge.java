package dev.pagekeep.nativehost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns native requests into calls of the service's HTTP API. One method per action; see
 * {@code native-host-manifest/PROTOCOL.md}.
 */
public final class NativeBridge implements RequestHandler {
  /** Version of the native protocol spoken here; bumped on incompatible changes. */
  public static final int PROTOCOL_VERSION = 1;
  static final int MAX_URLS = 5000;
  static final int MAX_STATUS_IDS = 100;
  private static final List<String> SAVE_FIELDS = List.of("html", "title", "source");

  private final SaveUploads uploads = new SaveUploads();

  private final ServiceGateway service;
  private final ObjectMapper json;
  private final String version;

  public NativeBridge(ServiceGateway service, ObjectMapper json, String version) {
    this.service = service;
    this.json = json;
    this.version = version;
  }

  @Override
  public JsonNode handle(String type, ObjectNode request) throws NativeRequestException {
    return switch (type) {
      case "ping" -> ping();
      case "save" -> save(request);
      case "save-part" -> savePart(request);
      case "status" -> status(request);
      case "search" -> search(request);
      case "login-link" -> call("POST", "/api/login-links", "{}");
      case "pair" -> pair();
      case "needs-browser" -> needsBrowser(request);
      case "lookup" -> lookup(request);
      default -> throw new NativeRequestException(ErrorCode.UNKNOWN_TYPE,
          "unknown type \"" + Envelopes.oneLine(type) + "\"; known: ping, save, save-part, status, search, login-link, pair, needs-browser, lookup");
    };
  }

  private JsonNode ping() {
    ObjectNode result = json.createObjectNode();
    result.put("host", "pagekeep");
    result.put("version", version);
    result.put("protocol", PROTOCOL_VERSION);
    result.put("serviceRunning", service.isRunning());
    return result;
  }

  private JsonNode save(ObjectNode request) throws NativeRequestException {
    ObjectNode body = json.createObjectNode();
    JsonNode url = request.get("url");
    JsonNode urls = request.get("urls");
    if ((url == null) == (urls == null)) {
      throw badRequest("save needs exactly one of \"url\" (a string) or \"urls\" (an array of strings)");
    }
    if (url != null) {
      body.put("url", requireUrl(url));
    } else {
      if (!urls.isArray() || urls.isEmpty()) throw badRequest("\"urls\" must be a non-empty array of strings");
      if (urls.size() > MAX_URLS) throw badRequest("\"urls\" holds " + urls.size() + " URLs; the limit is " + MAX_URLS);
      ArrayNode list = body.putArray("urls");
      // The service checks each URL: it queues the good ones and lists the others in "rejected".
      for (JsonNode u : urls) {
        if (!u.isTextual()) throw badRequest("\"urls\" must be an array of strings");
        list.add(u.asText());
      }
    }
    for (String field : SAVE_FIELDS) {
      JsonNode value = request.get(field);
      if (value == null || value.isNull()) continue;
      if (!value.isTextual()) throw badRequest("\"" + field + "\" must be a string");
      body.put(field, value.asText());
    }
    JsonNode status = request.get("status");
    if (status != null && !status.isNull()) {
      if (!status.isIntegralNumber()) throw badRequest("\"status\" must be a number");
      body.set("status", status);
    }
    JsonNode resources = request.get("resources");
    if (resources != null && !resources.isNull()) {
      if (!resources.isArray()) throw badRequest("\"resources\" must be an array");
      body.set("resources", resources); // the service checks each entry and the bounds
    }
    JsonNode saveId = request.get("saveId");
    if (saveId != null && !saveId.isNull()) {
      if (!saveId.isIntegralNumber() || !saveId.canConvertToLong()) throw badRequest("\"saveId\" must be a number");
      body.put("saveId", saveId.asLong());
    }
    return call("POST", "/api/saves", write(body));
  }

  /**
   * One piece of a save too large for a frame: {@code upload} (an id the extension chose),
   * {@code index}, {@code count}, {@code data} (that piece of the save's JSON text). The last
   * piece sends the whole save and answers as {@code save} does; the others answer {@code received}.
   */
  private JsonNode savePart(ObjectNode request) throws NativeRequestException {
    JsonNode upload = request.get("upload");
    JsonNode index = request.get("index");
    JsonNode count = request.get("count");
    JsonNode data = request.get("data");
    if (upload == null || !upload.isTextual() || upload.asText().isEmpty() || upload.asText().length() > 64) {
      throw badRequest("\"upload\" must be a string of 1 to 64 characters");
    }
    if (index == null || !index.canConvertToInt() || !index.isIntegralNumber() || count == null || !count.isIntegralNumber()
        || !count.canConvertToInt() || index.asInt() < 0 || index.asInt() >= count.asInt()) {
      throw badRequest("\"index\" and \"count\" must be numbers with 0 <= index < count");
    }
    if (data == null || !data.isTextual()) throw badRequest("\"data\" must be a string");
    byte[] whole = uploads.add(upload.asText(), index.asInt(), count.asInt(), data.asText(), System.currentTimeMillis());
    if (whole == null) {
      ObjectNode received = json.createObjectNode();
      received.put("upload", upload.asText());
      received.put("received", index.asInt() + 1);
      return received;
    }
    ServiceGateway.Response r = service.sendBytes("POST", "/api/saves", whole);
    if (!r.isSuccess()) {
      throw new NativeRequestException(ErrorCode.SERVICE_ERROR, "service answered " + r.status() + ": " + serviceMessage(r), r.status());
    }
    return parse(r.body());
  }

  /** Saves waiting for a capture through the browser; never starts the service (none runs: none to list). */
  private JsonNode needsBrowser(ObjectNode request) throws NativeRequestException {
    JsonNode limit = request.get("limit");
    int n = limit == null ? 20 : limit.asInt(-1);
    if (limit != null && (!limit.canConvertToInt() || n < 1 || n > 200)) {
      throw badRequest("\"limit\" must be a number from 1 to 200");
    }
    if (!service.isRunning()) return json.createObjectNode().set("saves", json.createArrayNode());
    return call("GET", "/api/saves?state=needs-browser&limit=" + n, null);
  }

  /**
   * Is this URL archived, how many versions, is it gone (the body of {@code GET /api/lookup}). Asked
   * on every navigation of the browser, so it never starts the service: with none running, the
   * answer is {@code {"url","archived":false,"versions":0,"serviceRunning":false}}.
   */
  private JsonNode lookup(ObjectNode request) throws NativeRequestException {
    String url = requireUrl(request.get("url") == null ? json.nullNode() : request.get("url"));
    if (url.length() > 8192) throw badRequest("the URL is longer than 8192 characters");
    if (!service.isRunning()) {
      ObjectNode none = json.createObjectNode();
      none.put("url", url);
      none.put("archived", false);
      none.put("versions", 0);
      none.put("serviceRunning", false);
      return none;
    }
    return call("GET", "/api/lookup?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8), null);
  }

  private JsonNode status(ObjectNode request) throws NativeRequestException {
    JsonNode one = request.get("saveId");
    JsonNode many = request.get("saveIds");
    if ((one == null) == (many == null)) {
      throw badRequest("status needs exactly one of \"saveId\" or \"saveIds\"");
    }
    if (one != null) return call("GET", "/api/saves/" + pathSegment(requireId(one)), null);
    if (!many.isArray() || many.size() > MAX_STATUS_IDS) {
      throw badRequest("\"saveIds\" must be an array of at most " + MAX_STATUS_IDS + " ids");
    }
    ObjectNode result = json.createObjectNode();
    ArrayNode saves = result.putArray("saves");
    for (JsonNode id : many) {
      String saveId = requireId(id);
      ServiceGateway.Response r = service.send("GET", "/api/saves/" + pathSegment(saveId), null);
      if (r.isSuccess()) {
        saves.add(parse(r.body()));
      } else {
        ObjectNode missing = saves.addObject();
        missing.put("id", saveId);
        missing.put("state", "unknown");
        missing.put("error", serviceMessage(r));
      }
    }
    return result;
  }

  private JsonNode search(ObjectNode request) throws NativeRequestException {
    StringBuilder path = new StringBuilder("/api/snapshots?limit=");
    JsonNode limit = request.get("limit");
    int n = limit == null ? 20 : limit.asInt(-1);
    if (limit != null && (!limit.canConvertToInt() || n < 1 || n > 200)) {
      throw badRequest("\"limit\" must be a number from 1 to 200");
    }
    path.append(n);
    appendParam(path, "q", request.get("q"));
    appendParam(path, "cursor", request.get("cursor"));
    return call("GET", path.toString(), null);
  }

  private JsonNode pair() throws NativeRequestException {
    ServiceGateway.Pairing pairing = service.pair();
    ObjectNode result = json.createObjectNode();
    result.put("baseUrl", pairing.baseUrl());
    result.put("token", pairing.token());
    return result;
  }

  private JsonNode call(String method, String path, String body) throws NativeRequestException {
    ServiceGateway.Response r = service.send(method, path, body);
    if (!r.isSuccess()) {
      throw new NativeRequestException(ErrorCode.SERVICE_ERROR,
          "service answered " + r.status() + ": " + serviceMessage(r), r.status());
    }
    return parse(r.body());
  }

  private JsonNode parse(String body) throws NativeRequestException {
    try {
      return json.readTree(body == null || body.isBlank() ? "{}" : body);
    } catch (JsonProcessingException e) {
      throw new NativeRequestException(ErrorCode.SERVICE_ERROR, "service answered with invalid JSON");
    }
  }

  /** The service's {@code error.message} when it sent one, else the status alone. */
  private String serviceMessage(ServiceGateway.Response r) {
    try {
      JsonNode message = json.readTree(r.body() == null ? "" : r.body()).at("/error/message");
      if (message.isTextual()) return message.asText();
    } catch (JsonProcessingException | IllegalArgumentException ignored) {
      // not JSON: fall through to the status
    }
    return "HTTP " + r.status();
  }

  private static void appendParam(StringBuilder path, String name, JsonNode value) throws NativeRequestException {
    if (value == null || value.isNull()) return;
    if (!value.isTextual()) throw badRequest("\"" + name + "\" must be a string");
    path.append('&').append(name).append('=').append(URLEncoder.encode(value.asText(), StandardCharsets.UTF_8));
  }

  private static String requireUrl(JsonNode url) throws NativeRequestException {
    if (!url.isTextual() || url.asText().isBlank()) throw badRequest("a URL must be a non-empty string");
    String u = url.asText().strip();
    String lower = u.toLowerCase(java.util.Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw badRequest("only http and https URLs can be archived: " + Envelopes.oneLine(u));
    }
    return u;
  }

  private static String requireId(JsonNode id) throws NativeRequestException {
    String s = id.isTextual() || id.isIntegralNumber() ? id.asText() : "";
    if (s.isEmpty() || s.length() > 200) throw badRequest("a save id must be a string of 1 to 200 characters");
    return s;
  }

  private static String pathSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String write(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private static NativeRequestException badRequest(String message) {
    return new NativeRequestException(ErrorCode.BAD_REQUEST, message);
  }
}

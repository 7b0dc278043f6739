package dev.pagekeep.nativehost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds the reply envelopes of the native protocol and keeps every reply under 1 MB. */
final class Envelopes {
  private static final int MAX_MESSAGE_CHARS = 300;

  private final ObjectMapper json;

  Envelopes(ObjectMapper json) {
    this.json = json;
  }

  /** {@code {"id":..,"ok":true,"result":..}}, or a {@code reply_too_large} error if it would not fit. */
  String ok(JsonNode id, JsonNode result) {
    ObjectNode reply = json.createObjectNode();
    reply.set("id", orNull(id));
    reply.put("ok", true);
    reply.set("result", result == null ? json.createObjectNode() : result);
    String text = write(reply);
    if (NativeFrameCodec.encodedLength(text) > NativeFrameCodec.MAX_OUTGOING) {
      return error(id, ErrorCode.REPLY_TOO_LARGE,
          "the reply would exceed 1 MB; ask for fewer results");
    }
    return text;
  }

  /** {@code {"id":..,"ok":false,"error":{"code","message"}}}; the message is cut to one short line. */
  String error(JsonNode id, ErrorCode code, String message) {
    return error(id, code, message, 0);
  }

  /** As {@link #error(JsonNode, ErrorCode, String)}, with the service's HTTP status when not 0. */
  String error(JsonNode id, ErrorCode code, String message, int status) {
    ObjectNode reply = json.createObjectNode();
    // An id that would not fit is dropped: the reply must stay under 1 MB.
    JsonNode safeId = id != null && write(id).length() <= 4096 ? id : NullNode.getInstance();
    reply.set("id", safeId);
    reply.put("ok", false);
    ObjectNode error = reply.putObject("error");
    error.put("code", code.wire());
    error.put("message", oneLine(message));
    if (status != 0) error.put("status", status);
    return write(reply);
  }

  private String write(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private static JsonNode orNull(JsonNode id) {
    return id == null ? NullNode.getInstance() : id;
  }

  static String oneLine(String message) {
    String m = message == null || message.isBlank() ? "unknown error" : message;
    m = m.replaceAll("\\s+", " ").trim();
    return m.length() > MAX_MESSAGE_CHARS ? m.substring(0, MAX_MESSAGE_CHARS - 3) + "..." : m;
  }
}

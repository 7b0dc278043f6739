package dev.pagekeep.nativehost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Answers one request of a known shape; the host loop owns framing, ids and envelopes. */
@FunctionalInterface
public interface RequestHandler {
  /**
   * @param type the request's {@code type}
   * @param request the whole request object (including {@code id} and {@code type})
   * @return the {@code result} object of the reply
   * @throws NativeRequestException to answer {@code ok:false} with that code and message
   */
  JsonNode handle(String type, ObjectNode request) throws NativeRequestException;
}

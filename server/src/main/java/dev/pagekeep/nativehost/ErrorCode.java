package dev.pagekeep.nativehost;

/** The error codes of the native protocol, as sent in {@code error.code}. See PROTOCOL.md. */
public enum ErrorCode {
  /** The stream ended inside a frame header or body; the host exits after replying. */
  TRUNCATED("truncated"),
  /** The frame is larger than the incoming cap; its body was skipped. */
  TOO_LARGE("too_large"),
  /** The body is not valid UTF-8. */
  BAD_UTF8("bad_utf8"),
  /** The body is not valid JSON. */
  BAD_JSON("bad_json"),
  /** Valid JSON, but not a request: not an object, no type, or a missing or wrong field. */
  BAD_REQUEST("bad_request"),
  /** A {@code type} this host does not know. */
  UNKNOWN_TYPE("unknown_type"),
  /** No service runs and none could be started. */
  SERVICE_UNAVAILABLE("service_unavailable"),
  /** The service answered with an error status; its code and message are passed on. */
  SERVICE_ERROR("service_error"),
  /** The reply would exceed the browser's 1 MB limit. */
  REPLY_TOO_LARGE("reply_too_large"),
  /** The host is shutting down or too busy. */
  BUSY("busy"),
  /** A bug in the host. */
  INTERNAL("internal");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  /** The code as it appears on the wire. */
  public String wire() {
    return wire;
  }
}

package dev.pagekeep.api;

import java.util.Map;

/**
 * An error the API answers with: HTTP status, a stable machine code and a one-line message.
 * Handlers throw it; {@link HttpApi} maps it (and every other exception) to JSON in one place.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final Map<String, Object> details;

  public ApiException(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  public ApiException(int status, String code, String message, Map<String, Object> details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  public int status() { return status; }
  public String code() { return code; }
  public Map<String, Object> details() { return details; }

  public static ApiException badRequest(String message) { return new ApiException(400, "bad_request", message); }
  public static ApiException notFound(String message) { return new ApiException(404, "not_found", message); }
  public static ApiException unauthorized() {
    return new ApiException(401, "unauthorized", "a token is required: Authorization: Bearer <token from the data directory>, or log in with the link `pagekeep open` prints");
  }
  public static ApiException forbidden(String code, String message) { return new ApiException(403, code, message); }
}

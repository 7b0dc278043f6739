package dev.pagekeep.nativehost;

/** A request that cannot be answered with a result; becomes an {@code ok:false} reply. */
public final class NativeRequestException extends Exception {
  private final ErrorCode code;
  private final int status;

  public NativeRequestException(ErrorCode code, String message) {
    this(code, message, 0);
  }

  /** @param status the service's HTTP status behind a {@link ErrorCode#SERVICE_ERROR}, else 0 */
  public NativeRequestException(ErrorCode code, String message, int status) {
    super(message);
    this.code = code;
    this.status = status;
  }

  /** The service's HTTP status, or 0 when the error did not come from a service answer. */
  public int status() {
    return status;
  }

  public ErrorCode code() {
    return code;
  }
}

package dev.pagekeep.nativehost;

/** A request that cannot be answered with a result; becomes an {@code ok:false} reply. */
public final class NativeRequestException extends Exception {
  private final ErrorCode code;

  public NativeRequestException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}

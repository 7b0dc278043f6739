package dev.pagekeep.nativehost;

import java.io.IOException;

/**
 * A frame that could not be read. {@link #code()} is the protocol error code sent back to the
 * browser; {@link #inSync()} tells whether the stream is still positioned at the next frame
 * (the bad body was consumed whole) or must be abandoned.
 */
public final class FrameException extends IOException {
  private final ErrorCode code;
  private final boolean inSync;

  public FrameException(ErrorCode code, String message, boolean inSync) {
    super(message);
    this.code = code;
    this.inSync = inSync;
  }

  public ErrorCode code() {
    return code;
  }

  /** True when the next {@code read} starts at a frame boundary again. */
  public boolean inSync() {
    return inSync;
  }
}

package dev.pagekeep.store;

/** A store operation failed; the message says what and why, in one line. */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

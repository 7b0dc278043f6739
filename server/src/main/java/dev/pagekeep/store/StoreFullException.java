package dev.pagekeep.store;

/** The disk under the store is full: nothing was written, earlier data is intact. */
public final class StoreFullException extends StoreException {
  public StoreFullException(String message, Throwable cause) {
    super(message, cause);
  }
}

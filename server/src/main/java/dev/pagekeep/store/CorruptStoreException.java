package dev.pagekeep.store;

/** The store holds something it cannot read back. */
public final class CorruptStoreException extends StoreException {
  public CorruptStoreException(String message) {
    super(message, null);
  }
}

package dev.pagekeep.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The store's records as JSON: explicit, readable by {@code pagekeep verify}, tolerant of new
 * fields. An unreadable record is a {@link CorruptStoreException}, which {@code verify} names.
 */
final class Json {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  static byte[] encode(Object o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new StoreException("cannot encode " + o.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  static <T> T decode(byte[] json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (IOException e) {
      throw new CorruptStoreException("unreadable " + type.getSimpleName() + " record: " + e.getMessage());
    }
  }
}

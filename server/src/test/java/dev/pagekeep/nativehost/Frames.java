package dev.pagekeep.nativehost;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds raw frame bytes for tests, in little-endian order unless told otherwise. */
final class Frames {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ByteOrder order;

  Frames(ByteOrder order) {
    this.order = order;
  }

  static Frames le() {
    return new Frames(ByteOrder.LITTLE_ENDIAN);
  }

  Frames text(String json) {
    return raw(json.getBytes(StandardCharsets.UTF_8));
  }

  Frames raw(byte[] body) {
    header(body.length);
    bytes.writeBytes(body);
    return this;
  }

  Frames header(long length) {
    bytes.writeBytes(ByteBuffer.allocate(4).order(order).putInt((int) length).array());
    return this;
  }

  Frames bytes(byte... b) {
    bytes.writeBytes(b);
    return this;
  }

  byte[] build() {
    return bytes.toByteArray();
  }
}

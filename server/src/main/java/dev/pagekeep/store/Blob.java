package dev.pagekeep.store;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A body ready to store: its SHA-256 (the content address) and its stored form, compressed when
 * that helps. Built off the writer thread so the single writer only copies bytes.
 * Stored form: one marker byte (0 raw, 1 deflate) then the payload.
 */
public record Blob(String digest, long size, byte[] stored) {
  private static final byte RAW = 0;
  private static final byte DEFLATE = 1;

  public static Blob of(byte[] body) {
    return new Blob(sha256(body), body.length, encode(body));
  }

  public static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  static byte[] encode(byte[] body) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    try {
      deflater.setInput(body);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 3));
      out.write(DEFLATE);
      byte[] buf = new byte[64 * 1024];
      while (!deflater.finished()) {
        int n = deflater.deflate(buf);
        out.write(buf, 0, n);
        if (out.size() > body.length) break; // incompressible (images, fonts): keep it raw
      }
      if (deflater.finished() && out.size() < body.length + 1) return out.toByteArray();
      byte[] raw = new byte[body.length + 1];
      raw[0] = RAW;
      System.arraycopy(body, 0, raw, 1, body.length);
      return raw;
    } finally {
      deflater.end();
    }
  }

  /** Decodes a stored form back to the body. */
  public static byte[] decode(byte[] stored) {
    if (stored.length == 0) throw new CorruptStoreException("empty blob record");
    if (stored[0] == RAW) {
      byte[] body = new byte[stored.length - 1];
      System.arraycopy(stored, 1, body, 0, body.length);
      return body;
    }
    if (stored[0] != DEFLATE) throw new CorruptStoreException("unknown blob encoding " + stored[0]);
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(stored, 1, stored.length - 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 3);
      byte[] buf = new byte[64 * 1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new CorruptStoreException("truncated blob");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new CorruptStoreException("damaged blob: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }
}

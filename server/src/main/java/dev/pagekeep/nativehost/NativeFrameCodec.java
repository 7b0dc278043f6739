package dev.pagekeep.nativehost;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The native-messaging frame format: a 32-bit unsigned length in native byte order, then that
 * many bytes of UTF-8 JSON. Stream-agnostic, so tests feed byte arrays.
 *
 * <p>Incoming frames over {@link #maxIncoming()} are skipped (read and discarded without being
 * kept in memory) and reported as {@link ErrorCode#TOO_LARGE}, so the stream stays in sync.
 * Outgoing frames over {@link #MAX_OUTGOING} (the browser's limit) are refused before a byte is
 * written.
 */
public final class NativeFrameCodec {
  /** Chrome refuses host messages over 1 MB (1024 * 1024 bytes). */
  public static final int MAX_OUTGOING = 1024 * 1024;
  /** Default incoming cap: Chrome sends at most 64 MiB; a page's DOM fits well below that. */
  public static final int DEFAULT_MAX_INCOMING = 64 * 1024 * 1024;

  private final ByteOrder order;
  private final int maxIncoming;

  public NativeFrameCodec(ByteOrder order, int maxIncoming) {
    if (order == null) throw new IllegalArgumentException("order == null");
    if (maxIncoming < 1) throw new IllegalArgumentException("maxIncoming < 1: " + maxIncoming);
    this.order = order;
    this.maxIncoming = maxIncoming;
  }

  /** The codec the browser speaks: native byte order, 64 MiB incoming cap. */
  public static NativeFrameCodec forBrowser() {
    return new NativeFrameCodec(ByteOrder.nativeOrder(), DEFAULT_MAX_INCOMING);
  }

  public int maxIncoming() {
    return maxIncoming;
  }

  /**
   * Reads one frame and decodes it as UTF-8 text.
   *
   * @return the frame's text, or {@code null} on a clean end of stream (before any header byte)
   * @throws FrameException for a truncated header or body, an oversize frame, or invalid UTF-8
   * @throws IOException when the stream itself fails
   */
  public String read(InputStream in) throws IOException {
    byte[] header = new byte[4];
    int got = readFully(in, header, 4);
    if (got == 0) return null;
    if (got < 4) {
      throw new FrameException(ErrorCode.TRUNCATED,
          "stream ended inside a frame header (" + got + " of 4 bytes)", false);
    }
    long length = Integer.toUnsignedLong(ByteBuffer.wrap(header).order(order).getInt());
    if (length > maxIncoming) {
      long skipped = skip(in, length);
      if (skipped < length) {
        throw new FrameException(ErrorCode.TRUNCATED,
            "stream ended inside an oversize frame (" + skipped + " of " + length + " bytes)", false);
      }
      throw new FrameException(ErrorCode.TOO_LARGE,
          "frame of " + length + " bytes exceeds the " + maxIncoming + "-byte limit", true);
    }
    byte[] body = new byte[(int) length];
    int read = readFully(in, body, body.length);
    if (read < body.length) {
      throw new FrameException(ErrorCode.TRUNCATED,
          "stream ended inside a frame body (" + read + " of " + length + " bytes)", false);
    }
    return decodeUtf8(body);
  }

  /**
   * Writes one frame holding {@code json} as UTF-8, then flushes.
   *
   * @throws IllegalArgumentException when the encoded text exceeds {@link #MAX_OUTGOING}; nothing
   *     is written then
   */
  public void write(OutputStream out, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    if (body.length > MAX_OUTGOING) {
      throw new IllegalArgumentException(
          "outgoing frame of " + body.length + " bytes exceeds the browser's " + MAX_OUTGOING + "-byte limit");
    }
    byte[] frame = new byte[4 + body.length];
    ByteBuffer.wrap(frame).order(order).putInt(body.length).put(body);
    out.write(frame);
    out.flush();
  }

  /** The UTF-8 byte length of {@code json}: what {@link #write} checks against the limit. */
  public static int encodedLength(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String decodeUtf8(byte[] body) throws FrameException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(body));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new FrameException(ErrorCode.BAD_UTF8, "frame body is not valid UTF-8", true);
    }
  }

  private static int readFully(InputStream in, byte[] buf, int len) throws IOException {
    int off = 0;
    while (off < len) {
      int n = in.read(buf, off, len - off);
      if (n < 0) break;
      off += n;
    }
    return off;
  }

  private static long skip(InputStream in, long len) throws IOException {
    byte[] scratch = new byte[64 * 1024];
    long done = 0;
    while (done < len) {
      int n = in.read(scratch, 0, (int) Math.min(scratch.length, len - done));
      if (n < 0) break;
      done += n;
    }
    return done;
  }
}

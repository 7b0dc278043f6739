package dev.pagekeep.nativehost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NativeFrameCodecTest {
  private final NativeFrameCodec codec = new NativeFrameCodec(ByteOrder.LITTLE_ENDIAN, 1024);

  @Test
  void readsConsecutiveFramesThenNullAtCleanEnd() throws IOException {
    InputStream in = new ByteArrayInputStream(Frames.le().text("{\"a\":1}").text("[]").build());
    assertThat(codec.read(in)).isEqualTo("{\"a\":1}");
    assertThat(codec.read(in)).isEqualTo("[]");
    assertThat(codec.read(in)).isNull();
  }

  @Test
  void emptyInputIsACleanEnd() throws IOException {
    assertThat(codec.read(new ByteArrayInputStream(new byte[0]))).isNull();
  }

  @Test
  void readsLengthInTheConfiguredByteOrder() throws IOException {
    NativeFrameCodec big = new NativeFrameCodec(ByteOrder.BIG_ENDIAN, 1024);
    byte[] frame = new Frames(ByteOrder.BIG_ENDIAN).text("\"x\"").build();
    assertThat(Arrays.copyOf(frame, 4)).containsExactly(0, 0, 0, 3);
    assertThat(big.read(new ByteArrayInputStream(frame))).isEqualTo("\"x\"");
  }

  @Test
  void decodesMultiByteTextByItsUtf8ByteLength() throws IOException {
    String text = "{\"title\":\"Zürich – 東京 🦉\"}";
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).isGreaterThan(text.length());
    assertThat(codec.read(new ByteArrayInputStream(Frames.le().raw(body).build()))).isEqualTo(text);
  }

  @Test
  void readsABodyDeliveredOneByteAtATime() throws IOException {
    byte[] frame = Frames.le().text("{\"slow\":true}").build();
    InputStream trickle = new ByteArrayInputStream(frame) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1));
      }
    };
    assertThat(codec.read(trickle)).isEqualTo("{\"slow\":true}");
  }

  @Test
  void truncatedHeaderIsReportedAndOutOfSync() {
    assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(new byte[] {5, 0})))
        .isInstanceOfSatisfying(FrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED);
          assertThat(e.inSync()).isFalse();
          assertThat(e.getMessage()).contains("2 of 4");
        });
  }

  @Test
  void shortBodyIsReportedAndOutOfSync() {
    byte[] frame = Frames.le().header(10).bytes("{\"a\"".getBytes(StandardCharsets.UTF_8)).build();
    assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(frame)))
        .isInstanceOfSatisfying(FrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED);
          assertThat(e.inSync()).isFalse();
          assertThat(e.getMessage()).contains("4 of 10");
        });
  }

  @Test
  void oversizeFrameIsSkippedSoTheNextFrameStillReads() throws IOException {
    byte[] big = new byte[5000];
    Arrays.fill(big, (byte) 'x');
    InputStream in = new ByteArrayInputStream(Frames.le().raw(big).text("{\"next\":1}").build());
    assertThatThrownBy(() -> codec.read(in))
        .isInstanceOfSatisfying(FrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
          assertThat(e.inSync()).isTrue();
          assertThat(e.getMessage()).contains("5000").contains("1024");
        });
    assertThat(codec.read(in)).isEqualTo("{\"next\":1}");
  }

  @Test
  void lengthAbove2GiBIsTreatedAsUnsignedAndOversize() {
    byte[] frame = Frames.le().header(0xFFFF_FFF0L).bytes(new byte[8]).build();
    assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(frame)))
        .isInstanceOfSatisfying(FrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED);
          assertThat(e.getMessage()).contains("4294967280");
        });
  }

  @Test
  void invalidUtf8IsReportedAndStaysInSync() throws IOException {
    InputStream in = new ByteArrayInputStream(
        Frames.le().raw(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}).text("1").build());
    assertThatThrownBy(() -> codec.read(in))
        .isInstanceOfSatisfying(FrameException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_UTF8);
          assertThat(e.inSync()).isTrue();
        });
    assertThat(codec.read(in)).isEqualTo("1");
  }

  @Test
  void loneSurrogateEncodedAsUtf8IsInvalid() {
    byte[] cesu = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
    assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(Frames.le().raw(cesu).build())))
        .isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_UTF8));
  }

  @Test
  void writesUtf8ByteLengthInTheConfiguredOrder() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.write(out, "\"é\"");
    byte[] frame = out.toByteArray();
    assertThat(ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(4);
    assertThat(new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8)).isEqualTo("\"é\"");
  }

  @Test
  void writeRoundTripsThroughRead() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.write(out, "{\"k\":\"v ✓\"}");
    codec.write(out, "{}");
    InputStream in = new ByteArrayInputStream(out.toByteArray());
    assertThat(codec.read(in)).isEqualTo("{\"k\":\"v ✓\"}");
    assertThat(codec.read(in)).isEqualTo("{}");
    assertThat(codec.read(in)).isNull();
  }

  @Test
  void refusesToWriteMoreThanOneMegabyteAndWritesNothing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String tooBig = "\"" + "é".repeat(NativeFrameCodec.MAX_OUTGOING / 2) + "\"";
    assertThatThrownBy(() -> codec.write(out, tooBig))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds");
    assertThat(out.size()).isZero();
  }

  @Test
  void writesExactlyOneMegabyte() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.write(out, "x".repeat(NativeFrameCodec.MAX_OUTGOING));
    assertThat(out.size()).isEqualTo(NativeFrameCodec.MAX_OUTGOING + 4);
  }

  @Test
  void rejectsNonsenseConfiguration() {
    assertThatThrownBy(() -> new NativeFrameCodec(ByteOrder.LITTLE_ENDIAN, 0))
        .hasMessage("maxIncoming < 1: 0");
  }
}

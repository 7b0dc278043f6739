package dev.pagekeep.nativehost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NativeHostTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final NativeFrameCodec CODEC = new NativeFrameCodec(ByteOrder.LITTLE_ENDIAN, 4096);

  /** Echoes {@code ping}, fails {@code boom} with a bug, knows nothing else. */
  private static final RequestHandler ECHO = (type, request) -> {
    switch (type) {
      case "ping":
        return JsonNodeFactory.instance.objectNode().put("pong", true);
      case "boom":
        throw new IllegalStateException("secret stack detail");
      default:
        throw new NativeRequestException(ErrorCode.UNKNOWN_TYPE, "unknown type \"" + type + "\"");
    }
  };

  private record Run(int status, List<JsonNode> replies, byte[] stdout, String stderr) {
    JsonNode only() {
      assertThat(replies).hasSize(1);
      return replies.get(0);
    }
  }

  private static Run run(byte[] input) throws IOException {
    return run(new ByteArrayInputStream(input), ECHO, 4);
  }

  private static Run run(InputStream input, RequestHandler handler, int maxInFlight) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    NativeHost host = new NativeHost(CODEC, handler, Executors.newFixedThreadPool(4), maxInFlight,
        Duration.ofSeconds(10), new PrintStream(err, true, StandardCharsets.UTF_8));
    int status = host.run(input, out);
    byte[] stdout = out.toByteArray();
    List<JsonNode> replies = new ArrayList<>();
    InputStream replyStream = new ByteArrayInputStream(stdout);
    // Every byte on stdout must belong to a well-formed reply frame.
    for (String text; (text = CODEC.read(replyStream)) != null; ) {
      JsonNode reply = JSON.readTree(text);
      assertThat(reply.has("id")).isTrue();
      assertThat(reply.get("ok").isBoolean()).isTrue();
      replies.add(reply);
    }
    return new Run(status, replies, stdout, err.toString(StandardCharsets.UTF_8));
  }

  private static void assertError(JsonNode reply, ErrorCode code) {
    assertThat(reply.get("ok").asBoolean()).isFalse();
    assertThat(reply.at("/error/code").asText()).isEqualTo(code.wire());
    assertThat(reply.at("/error/message").asText()).isNotBlank().doesNotContain("\n");
  }

  @Test
  void answersARequestWithItsIdAndExitsCleanlyAtEndOfInput() throws IOException {
    Run r = run(Frames.le().text("{\"id\":7,\"type\":\"ping\"}").build());
    assertThat(r.status()).isEqualTo(NativeHost.EXIT_OK);
    assertThat(r.only().get("id").asInt()).isEqualTo(7);
    assertThat(r.only().get("ok").asBoolean()).isTrue();
    assertThat(r.only().at("/result/pong").asBoolean()).isTrue();
  }

  @Test
  void echoesAnyJsonIdUnchanged() throws IOException {
    Run r = run(Frames.le().text("{\"id\":{\"tab\":3,\"n\":[1,\"ä\"]},\"type\":\"ping\"}").build());
    assertThat(r.only().get("id").toString()).isEqualTo("{\"tab\":3,\"n\":[1,\"ä\"]}");
  }

  @Test
  void noInputMeansNoOutputAndACleanExit() throws IOException {
    Run r = run(new byte[0]);
    assertThat(r.status()).isEqualTo(NativeHost.EXIT_OK);
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void invalidJsonGetsAnErrorReplyAndTheNextRequestIsServed() throws IOException {
    Run r = run(Frames.le().text("{\"id\":1,\"type\":").text("{\"id\":2,\"type\":\"ping\"}").build());
    assertThat(r.replies()).hasSize(2);
    assertError(r.replies().get(0), ErrorCode.BAD_JSON);
    assertThat(r.replies().get(0).get("id").isNull()).isTrue();
    assertThat(r.replies().get(1).get("ok").asBoolean()).isTrue();
  }

  @Test
  void trailingGarbageAfterJsonIsInvalid() throws IOException {
    assertError(run(Frames.le().text("{\"id\":1,\"type\":\"ping\"} x").build()).only(), ErrorCode.BAD_JSON);
  }

  @Test
  void duplicateKeysAreInvalid() throws IOException {
    assertError(run(Frames.le().text("{\"type\":\"ping\",\"type\":\"save\"}").build()).only(), ErrorCode.BAD_JSON);
  }

  @Test
  void deeplyNestedJsonIsRefusedWithoutAStackOverflow() throws IOException {
    String deep = "[".repeat(2000) + "]".repeat(2000);
    assertThat(CODEC.maxIncoming()).isGreaterThan(deep.length());
    assertError(run(new ByteArrayInputStream(Frames.le().text(deep).build()), ECHO, 1).only(),
        ErrorCode.BAD_JSON);
  }

  @Test
  void nonObjectJsonIsABadRequest() throws IOException {
    assertError(run(Frames.le().text("[1,2]").build()).only(), ErrorCode.BAD_REQUEST);
    assertError(run(Frames.le().text("\"ping\"").build()).only(), ErrorCode.BAD_REQUEST);
  }

  @Test
  void missingOrNonStringTypeIsABadRequestThatKeepsTheId() throws IOException {
    JsonNode reply = run(Frames.le().text("{\"id\":\"a\",\"type\":5}").build()).only();
    assertError(reply, ErrorCode.BAD_REQUEST);
    assertThat(reply.get("id").asText()).isEqualTo("a");
    assertError(run(Frames.le().text("{\"id\":1}").build()).only(), ErrorCode.BAD_REQUEST);
  }

  @Test
  void unknownTypeIsAnsweredWithUnknownType() throws IOException {
    JsonNode reply = run(Frames.le().text("{\"id\":3,\"type\":\"format-disk\"}").build()).only();
    assertError(reply, ErrorCode.UNKNOWN_TYPE);
    assertThat(reply.get("id").asInt()).isEqualTo(3);
  }

  @Test
  void invalidUtf8GetsAnErrorReplyAndTheNextRequestIsServed() throws IOException {
    byte[] input = Frames.le().raw(new byte[] {'{', (byte) 0xFF, '}'})
        .text("{\"id\":2,\"type\":\"ping\"}").build();
    Run r = run(input);
    assertThat(r.replies()).hasSize(2);
    assertError(r.replies().get(0), ErrorCode.BAD_UTF8);
    assertThat(r.replies().get(1).get("ok").asBoolean()).isTrue();
    assertThat(r.status()).isEqualTo(NativeHost.EXIT_OK);
  }

  @Test
  void oversizeFrameGetsTooLargeAndTheNextRequestIsServed() throws IOException {
    byte[] input = Frames.le().text("{\"pad\":\"" + "x".repeat(5000) + "\"}")
        .text("{\"id\":2,\"type\":\"ping\"}").build();
    Run r = run(input);
    assertThat(r.replies()).hasSize(2);
    assertError(r.replies().get(0), ErrorCode.TOO_LARGE);
    assertThat(r.replies().get(1).get("id").asInt()).isEqualTo(2);
  }

  @Test
  void truncatedHeaderGetsOneErrorReplyThenExitsNonZero() throws IOException {
    Run r = run(Frames.le().text("{\"id\":1,\"type\":\"ping\"}").bytes((byte) 9, (byte) 0).build());
    assertThat(r.replies()).hasSize(2);
    assertThat(r.replies()).anySatisfy(reply -> assertError(reply, ErrorCode.TRUNCATED));
    assertThat(r.replies()).anySatisfy(reply -> assertThat(reply.get("ok").asBoolean()).isTrue());
    assertThat(r.status()).isEqualTo(NativeHost.EXIT_STREAM_BROKEN);
  }

  @Test
  void shortBodyGetsOneErrorReplyThenExitsNonZero() throws IOException {
    Run r = run(Frames.le().header(100).bytes("{\"id\":1".getBytes(StandardCharsets.UTF_8)).build());
    assertError(r.only(), ErrorCode.TRUNCATED);
    assertThat(r.status()).isEqualTo(NativeHost.EXIT_STREAM_BROKEN);
  }

  @Test
  void aBugInTheHandlerBecomesAnInternalErrorWithoutItsDetailOnStdout() throws IOException {
    Run r = run(Frames.le().text("{\"id\":1,\"type\":\"boom\"}").build());
    assertError(r.only(), ErrorCode.INTERNAL);
    assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).doesNotContain("secret stack detail");
    assertThat(r.stderr()).contains("secret stack detail");
  }

  @Test
  void aResultOverOneMegabyteBecomesReplyTooLarge() throws IOException {
    RequestHandler huge = (type, request) ->
        JsonNodeFactory.instance.objectNode().put("blob", "x".repeat(NativeFrameCodec.MAX_OUTGOING));
    Run r = run(new ByteArrayInputStream(Frames.le().text("{\"id\":1,\"type\":\"search\"}").build()), huge, 1);
    assertError(r.only(), ErrorCode.REPLY_TOO_LARGE);
    assertThat(r.only().get("id").asInt()).isEqualTo(1);
  }

  @Test
  void aFloodOfFiveThousandMessagesGetsFiveThousandRepliesWithBoundedConcurrency() throws IOException {
    Frames frames = Frames.le();
    for (int i = 0; i < 5000; i++) {
      frames.text(i % 10 == 9 ? "{\"id\":" + i + ",\"type\":\"nope\"}" : "{\"id\":" + i + ",\"type\":\"ping\"}");
    }
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    RequestHandler counting = (type, request) -> {
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        return ECHO.handle(type, request);
      } finally {
        running.decrementAndGet();
      }
    };
    Run r = run(new ByteArrayInputStream(frames.build()), counting, 3);
    assertThat(r.status()).isEqualTo(NativeHost.EXIT_OK);
    assertThat(r.replies()).hasSize(5000);
    Set<Integer> ids = new HashSet<>();
    r.replies().forEach(reply -> ids.add(reply.get("id").asInt()));
    assertThat(ids).hasSize(5000);
    assertThat(r.replies().stream().filter(reply -> !reply.get("ok").asBoolean())).hasSize(500);
    assertThat(peak.get()).isLessThanOrEqualTo(3);
  }

  @Test
  void stopsCleanlyWhenTheBrowserClosesStdout() {
    OutputStream closed = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("Broken pipe");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    NativeHost host = new NativeHost(CODEC, ECHO, Executors.newSingleThreadExecutor(), 1,
        Duration.ofSeconds(5), new PrintStream(err, true, StandardCharsets.UTF_8));
    byte[] input = Frames.le().text("{\"id\":1,\"type\":\"ping\"}").text("{\"id\":2,\"type\":\"ping\"}").build();
    assertThat(host.run(new ByteArrayInputStream(input), closed)).isEqualTo(NativeHost.EXIT_STREAM_BROKEN);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("output closed");
  }

  /**
   * Fixed-seed random input: valid frames, flipped bytes, random lengths and garbage. Whatever
   * comes in, the host ends (no hang), and stdout holds only well-formed reply frames (checked by
   * {@link #run}), each an ok reply or a protocol error.
   */
  @Test
  void randomInputNeverHangsAndYieldsOnlyProtocolFrames() throws IOException {
    Random random = new Random(20261123L);
    String[] seeds = {
      "{\"id\":1,\"type\":\"ping\"}", "{\"id\":2,\"type\":\"save\",\"url\":\"https://example.org/\"}",
      "{\"type\":\"status\",\"id\":\"s\"}", "[]", "null", "{\"id\":1e999,\"type\":\"ping\"}",
    };
    int totalReplies = 0;
    for (int trial = 0; trial < 400; trial++) {
      Frames frames = Frames.le();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        byte[] body = seeds[random.nextInt(seeds.length)].getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(5)) {
          case 0 -> frames.raw(body);
          case 1 -> {
            byte[] mutated = body.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
              mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            frames.raw(mutated);
          }
          case 2 -> {
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            frames.raw(garbage);
          }
          case 3 -> frames.header(random.nextInt(8192)).bytes(body);
          default -> {
            byte[] noise = new byte[random.nextInt(12)];
            random.nextBytes(noise);
            frames.bytes(noise);
          }
        }
      }
      Run r = run(new ByteArrayInputStream(frames.build()), ECHO, 2);
      assertThat(r.status()).isIn(NativeHost.EXIT_OK, NativeHost.EXIT_STREAM_BROKEN);
      for (JsonNode reply : r.replies()) {
        if (!reply.get("ok").asBoolean()) {
          assertThat(reply.at("/error/code").asText()).isIn(
              "truncated", "too_large", "bad_utf8", "bad_json", "bad_request", "unknown_type");
        }
      }
      totalReplies += r.replies().size();
    }
    assertThat(totalReplies).isGreaterThan(400);
  }
}

package dev.pagekeep.nativehost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The host loop: reads frames from the browser, answers each with exactly one reply frame, exits
 * on end of input.
 *
 * <p>Requests run on {@code workers}, at most {@code maxInFlight} at a time; when that many are
 * running, the loop stops reading, so a flood of messages costs bounded memory. Replies are
 * written whole, one at a time, and may come back in a different order than the requests: the
 * browser matches them by {@code id}.
 *
 * <p>Nothing but reply frames is ever written to {@code out}; diagnostics go to {@code log}
 * (stderr, which the browser keeps out of the protocol).
 */
public final class NativeHost {
  /** Exit status after a clean end of input. */
  public static final int EXIT_OK = 0;
  /** Exit status after the input broke off inside a frame, or the output failed. */
  public static final int EXIT_STREAM_BROKEN = 1;

  private final NativeFrameCodec codec;
  private final RequestHandler handler;
  private final ExecutorService workers;
  private final Semaphore inFlight;
  private final Duration drainTimeout;
  private final PrintStream log;
  private final ObjectMapper json;
  private final Envelopes envelopes;
  private final Object writeLock = new Object();
  private volatile boolean outputBroken;

  public NativeHost(NativeFrameCodec codec, RequestHandler handler, ExecutorService workers,
      int maxInFlight, Duration drainTimeout, PrintStream log) {
    if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight < 1: " + maxInFlight);
    this.codec = codec;
    this.handler = handler;
    this.workers = workers;
    this.inFlight = new Semaphore(maxInFlight);
    this.drainTimeout = drainTimeout;
    this.log = log;
    // One string may be as long as a whole incoming frame (a page's HTML in a 64 MiB frame):
    // Jackson's default cap (20M characters) is below it; the frame cap bounds the input.
    this.json = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
            .maxStringLength(NativeFrameCodec.DEFAULT_MAX_INCOMING).maxDocumentLength(NativeFrameCodec.DEFAULT_MAX_INCOMING)
            .build()).build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    this.envelopes = new Envelopes(json);
  }

  /**
   * Serves until the input ends, then waits (up to the drain timeout) for running requests to
   * reply and shuts the workers down.
   *
   * @return {@link #EXIT_OK} or {@link #EXIT_STREAM_BROKEN}
   */
  public int run(InputStream in, OutputStream out) {
    int status = EXIT_OK;
    try {
      while (!outputBroken) {
        String text;
        try {
          text = codec.read(in);
        } catch (FrameException e) {
          reply(out, envelopes.error(null, e.code(), e.getMessage()));
          if (e.inSync()) continue;
          status = EXIT_STREAM_BROKEN;
          break;
        }
        if (text == null) break;
        dispatch(text, out);
      }
    } catch (IOException e) {
      log.println("pagekeep native-host: input failed: " + Envelopes.oneLine(e.getMessage()));
      status = EXIT_STREAM_BROKEN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = EXIT_STREAM_BROKEN;
    } finally {
      drain();
    }
    return outputBroken ? EXIT_STREAM_BROKEN : status;
  }

  private void dispatch(String text, OutputStream out) throws InterruptedException {
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (JsonProcessingException e) {
      reply(out, envelopes.error(null, ErrorCode.BAD_JSON, "frame body is not valid JSON"));
      return;
    }
    if (!(node instanceof ObjectNode request)) {
      reply(out, envelopes.error(null, ErrorCode.BAD_REQUEST, "a request must be a JSON object"));
      return;
    }
    JsonNode id = request.get("id");
    JsonNode type = request.get("type");
    if (type == null || !type.isTextual() || type.asText().isEmpty()) {
      reply(out, envelopes.error(id, ErrorCode.BAD_REQUEST, "a request needs a string \"type\""));
      return;
    }
    inFlight.acquire();
    try {
      workers.execute(() -> answer(id, type.asText(), request, out));
    } catch (RejectedExecutionException e) {
      inFlight.release();
      reply(out, envelopes.error(id, ErrorCode.BUSY, "the host is shutting down"));
    }
  }

  private void answer(JsonNode id, String type, ObjectNode request, OutputStream out) {
    try {
      reply(out, envelopes.ok(id, handler.handle(type, request)));
    } catch (NativeRequestException e) {
      reply(out, envelopes.error(id, e.code(), e.getMessage(), e.status()));
    } catch (RuntimeException e) {
      log.println("pagekeep native-host: " + type + " failed: " + e);
      reply(out, envelopes.error(id, ErrorCode.INTERNAL, "the host failed on this request; see its log"));
    } finally {
      inFlight.release();
    }
  }

  private void reply(OutputStream out, String text) {
    synchronized (writeLock) {
      if (outputBroken) return;
      try {
        codec.write(out, text);
      } catch (IOException e) {
        outputBroken = true;
        log.println("pagekeep native-host: output closed: " + Envelopes.oneLine(e.getMessage()));
      }
    }
  }

  private void drain() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.println("pagekeep native-host: requests still running after " + drainTimeout + "; leaving");
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

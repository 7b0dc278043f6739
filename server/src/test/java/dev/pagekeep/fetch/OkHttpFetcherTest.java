package dev.pagekeep.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagekeep.config.FetchLimits;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fetcher against a real HTTP server on 127.0.0.1, one behaviour per test. */
class OkHttpFetcherTest {
  private final MockWebServer server = new MockWebServer();
  private OkHttpFetcher fetcher;

  private static FetchLimits fast() {
    return FetchLimits.defaults()
        .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(50))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5))
        .withMaxBodyBytes(64 * 1024);
  }

  @BeforeEach
  void start() throws Exception {
    server.start();
    fetcher = new OkHttpFetcher(fast());
  }

  @AfterEach
  void stop() {
    fetcher.close();
    server.close();
  }

  private FetchResult get(String path) throws Exception {
    return fetcher.fetch(server.url(path).toString()).get(30, TimeUnit.SECONDS);
  }

  private FetchException failure(String url) {
    try {
      fetcher.fetch(url).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(FetchException.class);
      return (FetchException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("fetch of " + url + " succeeded");
  }

  @Test
  void recordsStatusTypeHeadersAndBody() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html; charset=utf-8")
        .addHeader("X-Test", "yes").body("<h1>hi</h1>").build());
    FetchResult r = get("/page");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.mediaType()).isEqualTo("text/html");
    assertThat(r.headers()).contains("X-Test: yes");
    assertThat(new String(r.body())).isEqualTo("<h1>hi</h1>");
    assertThat(r.attempts()).isEqualTo(1);
  }

  @Test
  void notFoundFailsAtOnceWithoutRetry() {
    server.enqueue(new MockResponse.Builder().code(404).body("nope").build());
    FetchException e = failure(server.url("/missing").toString());
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.getMessage()).contains("HTTP 404");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void serverErrorThenSuccessIsRetried() throws Exception {
    server.enqueue(new MockResponse.Builder().code(500).build());
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    FetchResult r = get("/flaky");
    assertThat(new String(r.body())).isEqualTo("ok");
    assertThat(r.attempts()).isEqualTo(3);
  }

  @Test
  void persistentServerErrorGivesUpAfterMaxAttempts() {
    for (int i = 0; i < 5; i++) server.enqueue(new MockResponse.Builder().code(500).build());
    FetchException e = failure(server.url("/down").toString());
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e.getMessage()).contains("HTTP 500");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void tooManyRequestsHonoursRetryAfter() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "0").build());
    server.enqueue(new MockResponse.Builder().code(200).body("later").build());
    assertThat(new String(get("/limited").body())).isEqualTo("later");
    assertThat(fetcher.backoffMillis(1, 120_000)).isEqualTo(50); // capped by retryMaxDelay
  }

  @Test
  void followsRedirectsAndRecordsTheChain() throws Exception {
    server.enqueue(new MockResponse.Builder().code(301).addHeader("Location", "/b").build());
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", server.url("/c").toString()).build());
    server.enqueue(new MockResponse.Builder().code(200).body("end").build());
    FetchResult r = get("/a");
    assertThat(r.finalUrl()).endsWith("/c");
    assertThat(r.redirects()).hasSize(2);
  }

  @Test
  void redirectLoopFailsWithReason() {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String next = request.getUrl().encodedPath().equals("/x") ? "/y" : "/x";
        return new MockResponse.Builder().code(302).addHeader("Location", next).build();
      }
    });
    FetchException e = failure(server.url("/x").toString());
    assertThat(e.getMessage()).contains("redirect loop");
    assertThat(e.isTransient()).isFalse();
  }

  @Test
  void tooManyRedirectsFails() {
    AtomicInteger n = new AtomicInteger();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(302).addHeader("Location", "/r" + n.incrementAndGet()).build();
      }
    });
    FetchException e = failure(server.url("/r0").toString());
    assertThat(e.getMessage()).contains("too many redirects");
    assertThat(n.get()).isEqualTo(fast().maxRedirects() + 1);
  }

  @Test
  void redirectToAnotherSchemeIsRefused() {
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "file:///etc/passwd").build());
    FetchException e = failure(server.url("/sneaky").toString());
    assertThat(e.getMessage()).contains("not http or https");
  }

  @Test
  void bodyOverTheCapFails() {
    server.enqueue(new MockResponse.Builder().code(200).body("x".repeat(200 * 1024)).build());
    FetchException e = failure(server.url("/big").toString());
    assertThat(e.getMessage()).contains("over the cap");
  }

  @Test
  void chunkedBodyOverTheCapFailsWithoutContentLength() {
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody("y".repeat(200 * 1024), 4096).build());
    FetchException e = failure(server.url("/big-chunked").toString());
    assertThat(e.getMessage()).contains("over the cap");
  }

  @Test
  void resetConnectionIsRetriedThenReported() {
    for (int i = 0; i < 6; i++) {
      server.enqueue(new MockResponse.Builder().code(200).body("z".repeat(10_000))
          .onResponseStart(new SocketEffect.CloseSocket(true, true, true)).build());
    }
    FetchException e = failure(server.url("/reset").toString());
    assertThat(e.isTransient()).isTrue();
    assertThat(e.attempts()).isEqualTo(3);
  }

  @Test
  void connectionRefusedIsReportedWithTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    FetchException e = failure("http://127.0.0.1:" + port + "/");
    assertThat(e.getMessage()).contains("127.0.0.1:" + port);
    assertThat(e.attempts()).isEqualTo(3);
  }

  @Test
  void nonHttpSchemesAreRefused() {
    assertThat(failure("file:///etc/passwd").getMessage()).contains("not an http or https URL");
    assertThat(failure("javascript:alert(1)").getMessage()).contains("not an http or https URL");
  }

  @Test
  void perHostLimitBoundsConcurrentRequests() throws Exception {
    fetcher.close();
    fetcher = new OkHttpFetcher(fast().withMaxInFlight(8).withMaxPerHost(2));
    AtomicInteger current = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        peak.accumulateAndGet(current.incrementAndGet(), Math::max);
        Thread.sleep(50);
        current.decrementAndGet();
        return new MockResponse.Builder().code(200).body("ok").build();
      }
    });
    List<CompletableFuture<FetchResult>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) all.add(fetcher.fetch(server.url("/p" + i).toString()));
    CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
    assertThat(peak.get()).isEqualTo(2);
  }

  @Test
  void reusesConnectionsAcrossRequests() throws Exception {
    for (int i = 0; i < 20; i++) server.enqueue(new MockResponse.Builder().code(200).body("r" + i).build());
    for (int i = 0; i < 20; i++) get("/seq" + i);
    // Every request arrived on the server's first connection: one socket for all twenty.
    int onFirstConnection = 0;
    for (int i = 0; i < 20; i++) if (server.takeRequest().getConnectionIndex() == 0) onFirstConnection++;
    assertThat(onFirstConnection).isEqualTo(20);
  }

  @Test
  void invalidLimitsFailFastWithTheirName() {
    assertThatThrownBy(() -> FetchLimits.defaults().withMaxInFlight(0)).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> FetchLimits.defaults().withMaxPerHost(1000)).hasMessageContaining("maxPerHost");
  }
}

package dev.pagekeep.fetch;

import dev.pagekeep.config.FetchLimits;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * The one shared HTTP client. Concurrency policy is OkHttp's {@link Dispatcher}, configured from
 * {@link FetchLimits}: at most {@code maxInFlight} calls run, at most {@code maxPerHost} to one
 * host; the rest wait in its ready queue (callers bound how many they submit). One connection
 * pool is shared by every call, so sockets are reused instead of exhausting file descriptors
 * and ephemeral ports. Redirects are followed here, not by OkHttp, so each hop is checked
 * (http/https only, loop detection, the redirect cap). Transient failures are retried with
 * exponential backoff and jitter on a scheduler, never by sleeping on a request thread.
 */
public final class OkHttpFetcher implements Fetcher {
  private static final String USER_AGENT = "Mozilla/5.0 (compatible; pagekeep/0.1; personal archive)";

  private final FetchLimits limits;
  private final OkHttpClient client;
  private final ScheduledExecutorService retries;

  public OkHttpFetcher(FetchLimits limits) {
    this(limits, Dns.SYSTEM);
  }

  /** A fetcher that resolves names with {@code dns} (tests map names such as IDN hosts to 127.0.0.1). */
  public OkHttpFetcher(FetchLimits limits, Dns dns) {
    this.limits = limits;
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "fetch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(limits.maxInFlight());
    dispatcher.setMaxRequestsPerHost(limits.maxPerHost());
    this.client = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .dns(dns)
        .connectionPool(new ConnectionPool(Math.min(limits.maxInFlight(), 2048), 2, TimeUnit.MINUTES))
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(true)
        .connectTimeout(limits.connectTimeout())
        .readTimeout(limits.readTimeout())
        .writeTimeout(limits.readTimeout())
        .callTimeout(limits.callTimeout())
        .build();
    this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fetch-retry");
      t.setDaemon(true);
      return t;
    });
  }

  public FetchLimits limits() { return limits; }

  /** Calls waiting for a slot plus calls running: a gauge for progress lines and tests. */
  public int pending() {
    return client.dispatcher().queuedCallsCount() + client.dispatcher().runningCallsCount();
  }

  @Override
  public CompletableFuture<FetchResult> fetch(String url) {
    return fetch(url, Map.of(), limits.maxBodyBytes());
  }

  @Override
  public CompletableFuture<FetchResult> fetch(String url, Map<String, String> headers, long maxBodyBytes) {
    CompletableFuture<FetchResult> result = new CompletableFuture<>();
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      result.completeExceptionally(FetchException.permanent(url, 0, "not an http or https URL: " + url));
      return result;
    }
    attempt(url, parsed, new Ask(Map.copyOf(headers), Math.min(maxBodyBytes, limits.maxBodyBytes())), 1, result);
    return result;
  }

  /** What one fetch asks beyond the URL: extra request headers and its body cap. */
  private record Ask(Map<String, String> headers, long maxBodyBytes) {}

  private void attempt(String url, HttpUrl start, Ask ask, int attemptNo, CompletableFuture<FetchResult> result) {
    CompletableFuture<FetchResult> one = new CompletableFuture<>();
    hop(url, start, ask, new ArrayList<>(), new HashSet<>(), attemptNo, one);
    one.whenComplete((ok, err) -> {
      if (err == null) {
        result.complete(ok);
        return;
      }
      FetchException fe = err instanceof FetchException f ? f
          : FetchException.transientFailure(url, 0, String.valueOf(err.getMessage()), -1);
      if (!fe.isTransient() || attemptNo >= limits.maxAttempts() || retries.isShutdown()) {
        result.completeExceptionally(fe.withAttempts(attemptNo));
        return;
      }
      long delay = backoffMillis(attemptNo, fe.retryAfterMillis());
      try {
        retries.schedule(() -> attempt(url, start, ask, attemptNo + 1, result), delay, TimeUnit.MILLISECONDS);
      } catch (RuntimeException rejected) {
        result.completeExceptionally(fe.withAttempts(attemptNo));
      }
    });
  }

  /** Exponential backoff with full jitter, or the server's Retry-After, both capped. */
  long backoffMillis(int attemptNo, long retryAfterMillis) {
    long max = limits.retryMaxDelay().toMillis();
    if (retryAfterMillis >= 0) return Math.min(retryAfterMillis, max);
    long base = limits.retryBaseDelay().toMillis() << Math.min(attemptNo - 1, 20);
    long capped = Math.min(base, max);
    return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
  }

  private void hop(String original, HttpUrl url, Ask ask, List<String> redirects, Set<String> seen, int attemptNo,
                   CompletableFuture<FetchResult> out) {
    seen.add(url.toString());
    Request.Builder builder = new Request.Builder().url(url)
        .header("User-Agent", USER_AGENT)
        .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    ask.headers().forEach(builder::header);
    Request request = builder.build();
    Call call;
    try {
      call = client.newCall(request);
    } catch (RuntimeException e) {
      out.completeExceptionally(FetchException.permanent(original, 0, "cannot request " + url + ": " + e.getMessage()));
      return;
    }
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        out.completeExceptionally(classify(original, url, e));
      }

      @Override
      public void onResponse(Call c, Response response) {
        try (response) {
          handle(original, url, ask, response, redirects, seen, attemptNo, out);
        } catch (FetchException e) {
          out.completeExceptionally(e);
        } catch (IOException e) {
          out.completeExceptionally(classify(original, url, e));
        } catch (RuntimeException e) {
          out.completeExceptionally(FetchException.permanent(original, 0, "unexpected response from " + url + ": " + e));
        }
      }
    });
  }

  private void handle(String original, HttpUrl url, Ask ask, Response response, List<String> redirects, Set<String> seen,
                      int attemptNo, CompletableFuture<FetchResult> out) throws IOException, FetchException {
    int code = response.code();
    String location = response.header("Location");
    if (code >= 300 && code < 400 && code != 304 && location != null) {
      HttpUrl next = url.resolve(location);
      if (next == null) {
        throw FetchException.permanent(original, code, "redirect to a URL that is not http or https: " + oneLine(location));
      }
      if (seen.contains(next.toString())) {
        throw FetchException.permanent(original, code, "redirect loop at " + next);
      }
      if (redirects.size() >= limits.maxRedirects()) {
        throw FetchException.permanent(original, code, "too many redirects (more than " + limits.maxRedirects() + ")");
      }
      redirects.add(url.toString());
      hop(original, next, ask, redirects, seen, attemptNo, out);
      return;
    }
    if (code == 429 || code >= 500) {
      throw FetchException.transientFailure(original, code,
          "HTTP " + code + statusText(response) + " from " + url.host(), retryAfter(response));
    }
    if (code >= 400) {
      throw FetchException.permanent(original, code, "HTTP " + code + statusText(response) + " from " + url.host());
    }
    byte[] body = readCapped(original, response.body(), ask.maxBodyBytes());
    out.complete(new FetchResult(original, url.toString(), code, response.header("Content-Type"),
        headerLines(response.headers()), body, attemptNo, List.copyOf(redirects)));
  }

  /**
   * Reads the whole body into one array. With a Content-Length the array is allocated once at
   * its final size and filled straight from the socket buffer (one copy, no intermediate
   * buffer holding a second copy of the page); without one it grows by doubling up to the cap.
   */
  private byte[] readCapped(String original, ResponseBody body, long maxBodyBytes) throws IOException, FetchException {
    long cap = Math.min(maxBodyBytes, Integer.MAX_VALUE - 16); // one Java array
    long length = body.contentLength();
    if (length > cap) {
      throw FetchException.permanent(original, 200, "body over the cap (" + length + " bytes > " + cap + ")");
    }
    BufferedSource source = body.source();
    if (length >= 0) {
      byte[] out = new byte[(int) length];
      source.readFully(out); // EOFException (an IOException) when the body is shorter than announced
      return out;
    }
    byte[] out = new byte[16 * 1024];
    int total = 0;
    while (true) {
      if (total == out.length) {
        if (total >= cap) throw FetchException.permanent(original, 200, "body over the cap (more than " + cap + " bytes)");
        out = java.util.Arrays.copyOf(out, (int) Math.min(cap + 1, (long) out.length * 2));
      }
      int n = source.read(out, total, out.length - total);
      if (n == -1) break;
      total += n;
      if (total > cap) throw FetchException.permanent(original, 200, "body over the cap (more than " + cap + " bytes)");
    }
    return total == out.length ? out : java.util.Arrays.copyOf(out, total);
  }

  private static FetchException classify(String original, HttpUrl url, IOException e) {
    String where = url.host() + ":" + url.port();
    if (e instanceof ConnectException) return FetchException.transientFailure(original, 0, "connection refused by " + where, -1);
    if (e instanceof UnknownHostException) return FetchException.transientFailure(original, 0, "unknown host " + url.host(), -1);
    if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
      return FetchException.transientFailure(original, 0, "timed out talking to " + where, -1);
    }
    if (e instanceof SSLException) return FetchException.permanent(original, 0, "TLS failed with " + where + ": " + oneLine(e.getMessage()));
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage());
    return FetchException.transientFailure(original, 0, "connection to " + where + " failed: " + msg, -1);
  }

  private static long retryAfter(Response response) {
    String value = response.header("Retry-After");
    if (value == null) return -1;
    try {
      return Math.max(0, Long.parseLong(value.trim()) * 1000);
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, when.toInstant().toEpochMilli() - System.currentTimeMillis());
      } catch (RuntimeException ignored) {
        return -1;
      }
    }
  }

  private static String statusText(Response r) {
    return r.message() == null || r.message().isBlank() ? "" : " " + oneLine(r.message());
  }

  private static List<String> headerLines(Headers headers) {
    List<String> out = new ArrayList<>(headers.size());
    for (int i = 0; i < headers.size(); i++) out.add(headers.name(i) + ": " + headers.value(i));
    return out;
  }

  static String oneLine(String s) {
    if (s == null) return "";
    String flat = s.replaceAll("[\\r\\n\\t]+", " ").strip();
    return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
  }

  @Override
  public void close() {
    retries.shutdownNow();
    client.dispatcher().cancelAll();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "OkHttpFetcher[inFlight<=%d, perHost<=%d]", limits.maxInFlight(), limits.maxPerHost());
  }
}

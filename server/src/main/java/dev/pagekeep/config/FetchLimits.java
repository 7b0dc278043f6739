package dev.pagekeep.config;

import java.time.Duration;

/**
 * Every bound the fetcher obeys. Validated on construction so a bad setting fails at start-up
 * with a message naming it, never later in the middle of a crawl.
 *
 * @param maxInFlight      requests running at once, all hosts together
 * @param maxPerHost       requests running at once to one host
 * @param maxBodyBytes     a body larger than this fails the fetch ("body over the cap")
 * @param maxRedirects     redirects followed before the fetch fails
 * @param connectTimeout   TCP connect timeout per attempt
 * @param readTimeout      longest silence while reading, per attempt
 * @param callTimeout      whole-request cap per attempt (connect, headers, body)
 * @param maxAttempts      attempts for transient failures (connect errors, timeouts, 5xx, 429)
 * @param retryBaseDelay   first backoff delay; doubled each attempt, capped by retryMaxDelay
 * @param retryMaxDelay    longest backoff delay (also caps a server's Retry-After)
 */
public record FetchLimits(
    int maxInFlight,
    int maxPerHost,
    long maxBodyBytes,
    int maxRedirects,
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout,
    int maxAttempts,
    Duration retryBaseDelay,
    Duration retryMaxDelay) {

  public static FetchLimits defaults() {
    return new FetchLimits(64, 6, 50L * 1024 * 1024, 10,
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(120),
        4, Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  public FetchLimits {
    require(maxInFlight >= 1 && maxInFlight <= 100_000, "maxInFlight must be 1..100000: " + maxInFlight);
    require(maxPerHost >= 1 && maxPerHost <= maxInFlight, "maxPerHost must be 1..maxInFlight: " + maxPerHost);
    require(maxBodyBytes >= 1024, "maxBodyBytes must be >= 1024: " + maxBodyBytes);
    require(maxRedirects >= 0 && maxRedirects <= 50, "maxRedirects must be 0..50: " + maxRedirects);
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(readTimeout, "readTimeout");
    requirePositive(callTimeout, "callTimeout");
    require(maxAttempts >= 1 && maxAttempts <= 20, "maxAttempts must be 1..20: " + maxAttempts);
    requirePositive(retryBaseDelay, "retryBaseDelay");
    requirePositive(retryMaxDelay, "retryMaxDelay");
  }

  public FetchLimits withMaxInFlight(int n) {
    return new FetchLimits(n, Math.min(maxPerHost, n), maxBodyBytes, maxRedirects, connectTimeout,
        readTimeout, callTimeout, maxAttempts, retryBaseDelay, retryMaxDelay);
  }

  public FetchLimits withMaxPerHost(int n) {
    return new FetchLimits(maxInFlight, n, maxBodyBytes, maxRedirects, connectTimeout,
        readTimeout, callTimeout, maxAttempts, retryBaseDelay, retryMaxDelay);
  }

  public FetchLimits withMaxBodyBytes(long n) {
    return new FetchLimits(maxInFlight, maxPerHost, n, maxRedirects, connectTimeout,
        readTimeout, callTimeout, maxAttempts, retryBaseDelay, retryMaxDelay);
  }

  public FetchLimits withTimeouts(Duration connect, Duration read, Duration call) {
    return new FetchLimits(maxInFlight, maxPerHost, maxBodyBytes, maxRedirects, connect,
        read, call, maxAttempts, retryBaseDelay, retryMaxDelay);
  }

  public FetchLimits withRetries(int attempts, Duration base, Duration max) {
    return new FetchLimits(maxInFlight, maxPerHost, maxBodyBytes, maxRedirects, connectTimeout,
        readTimeout, callTimeout, attempts, base, max);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  private static void requirePositive(Duration d, String name) {
    require(d != null && !d.isNegative() && !d.isZero(), name + " must be > 0: " + d);
  }
}

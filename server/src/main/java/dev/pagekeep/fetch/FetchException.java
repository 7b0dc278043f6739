package dev.pagekeep.fetch;

/**
 * A fetch that did not give a usable response, with the URL, the HTTP status if there was one
 * (0 otherwise), how many attempts were made, and a one-line reason for people.
 */
public final class FetchException extends Exception {
  private final String url;
  private final int status;
  private final boolean transientFailure;
  private final int attempts;
  private final long retryAfterMillis;

  public FetchException(String url, int status, String reason, boolean transientFailure, int attempts, long retryAfterMillis) {
    super(reason);
    this.url = url;
    this.status = status;
    this.transientFailure = transientFailure;
    this.attempts = attempts;
    this.retryAfterMillis = retryAfterMillis;
  }

  public static FetchException permanent(String url, int status, String reason) {
    return new FetchException(url, status, reason, false, 1, -1);
  }

  public static FetchException transientFailure(String url, int status, String reason, long retryAfterMillis) {
    return new FetchException(url, status, reason, true, 1, retryAfterMillis);
  }

  FetchException withAttempts(int n) {
    return new FetchException(url, status, getMessage(), transientFailure, n, retryAfterMillis);
  }

  public String url() { return url; }
  public int status() { return status; }
  /** Worth retrying: connect errors, timeouts, 5xx, 429. */
  public boolean isTransient() { return transientFailure; }
  public int attempts() { return attempts; }
  /** What the server's Retry-After asked for, in milliseconds, or -1. */
  public long retryAfterMillis() { return retryAfterMillis; }
}

package dev.pagekeep.fetch;

import java.util.concurrent.CompletableFuture;

/**
 * Fetches one URL, asynchronously and within the configured bounds (in-flight, per host, body
 * size, redirects, time), retrying transient failures. The future fails with a
 * {@link FetchException} whose message is a one-line reason.
 */
public interface Fetcher extends AutoCloseable {
  CompletableFuture<FetchResult> fetch(String url);

  /**
   * As {@link #fetch(String)}, with extra request headers (a conditional GET's {@code If-None-Match}
   * and {@code If-Modified-Since}; a {@code 304} then completes normally with an empty body) and a
   * body cap below the configured one. The same per-host and in-flight limits hold.
   */
  CompletableFuture<FetchResult> fetch(String url, java.util.Map<String, String> headers, long maxBodyBytes);

  @Override
  void close();
}

package dev.pagekeep.fetch;

import java.util.concurrent.CompletableFuture;

/**
 * Fetches one URL, asynchronously and within the configured bounds (in-flight, per host, body
 * size, redirects, time), retrying transient failures. The future fails with a
 * {@link FetchException} whose message is a one-line reason.
 */
public interface Fetcher extends AutoCloseable {
  CompletableFuture<FetchResult> fetch(String url);

  @Override
  void close();
}

package dev.pagekeep.config;

/**
 * Everything the service is configured with, parsed once by {@code Main} and passed down.
 *
 * @param dataDir            where the store, token and service.json live
 * @param port               TCP port on 127.0.0.1; 0 picks a free one
 * @param fetch              fetcher bounds
 * @param maxPagesInFlight   saves captured at once (each may fetch many requisites)
 * @param maxRequisites      requisites fetched per page; the rest are recorded as skipped
 * @param frameDepth         how deep iframes are captured as snapshots of their own
 * @param indexedChars       characters of each page's text the search index takes (the rest is kept, not indexed)
 * @param maxPagesPerHost    saves of one host captured at once (the fetcher caps its requests apart)
 */
public record Config(
    DataDir dataDir, int port, FetchLimits fetch, int maxPagesInFlight, int maxRequisites, int frameDepth,
    int indexedChars, int maxPagesPerHost) {

  public static final int DEFAULT_PORT = 8765;
  /** About 65,000 words, as many as Meilisearch indexes per field: a whole book-length page. */
  public static final int DEFAULT_INDEXED_CHARS = 400_000;
  /** Pages of one host captured at once: a slow host holds at most this many of the page slots. */
  public static final int DEFAULT_MAX_PAGES_PER_HOST = 4;

  public Config {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535: " + port);
    if (maxPagesInFlight < 1) throw new IllegalArgumentException("maxPagesInFlight must be >= 1: " + maxPagesInFlight);
    if (maxRequisites < 0) throw new IllegalArgumentException("maxRequisites must be >= 0: " + maxRequisites);
    if (frameDepth < 0 || frameDepth > 5) throw new IllegalArgumentException("frameDepth must be 0..5: " + frameDepth);
    if (indexedChars < 1000) throw new IllegalArgumentException("indexedChars must be >= 1000: " + indexedChars);
    if (maxPagesPerHost < 1) throw new IllegalArgumentException("maxPagesPerHost must be >= 1: " + maxPagesPerHost);
  }

  public static Config defaults(DataDir dataDir, int port) {
    return new Config(dataDir, port, FetchLimits.defaults(), 16, 300, 1, DEFAULT_INDEXED_CHARS,
        DEFAULT_MAX_PAGES_PER_HOST);
  }

  public Config withFetch(FetchLimits limits) {
    return new Config(dataDir, port, limits, maxPagesInFlight, maxRequisites, frameDepth, indexedChars, maxPagesPerHost);
  }

  public Config withMaxPagesInFlight(int n) {
    return new Config(dataDir, port, fetch, n, maxRequisites, frameDepth, indexedChars, maxPagesPerHost);
  }

  public Config withPort(int p) {
    return new Config(dataDir, p, fetch, maxPagesInFlight, maxRequisites, frameDepth, indexedChars, maxPagesPerHost);
  }

  public Config withIndexedChars(int n) {
    return new Config(dataDir, port, fetch, maxPagesInFlight, maxRequisites, frameDepth, n, maxPagesPerHost);
  }

  public Config withMaxPagesPerHost(int n) {
    return new Config(dataDir, port, fetch, maxPagesInFlight, maxRequisites, frameDepth, indexedChars, n);
  }

  /** The port to use when none is given: {@code $PAGEKEEP_PORT}, else 8765. */
  public static int defaultPort() {
    String env = System.getenv("PAGEKEEP_PORT");
    if (env == null || env.isBlank()) return DEFAULT_PORT;
    try {
      return Integer.parseInt(env.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("PAGEKEEP_PORT is not a port number: " + env);
    }
  }
}

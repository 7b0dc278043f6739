package dev.pagekeep.archive;

import dev.pagekeep.capture.Requisite;
import dev.pagekeep.fetch.FetchResult;
import dev.pagekeep.store.Blob;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Requisites fetched lately, reused by the next pages that name them (the stylesheets and logo every
 * page of a site shares), as a browser's HTTP cache reuses them: only a 2xx response that HTTP lets a
 * cache reuse without asking the server again (RFC 9111: no {@code no-store}, {@code no-cache} or
 * {@code Vary} other than on the encoding, no {@code Set-Cookie}), for as long as it is fresh
 * ({@code max-age}, else a tenth of the time since its {@code Last-Modified}), and never longer
 * than {@code maxAgeMillis}. Bounded in entries and bytes; the least recently used go first.
 *
 * <p>A reused requisite is still stored under each page's timestamp with the headers it was fetched
 * with (its body is one blob, shared by content address), so every snapshot stays whole. What reuse
 * saves is the request, hashing and compressing the body again, and parsing a stylesheet again.
 * Only what the service fetched itself is kept here: never what a browser sent with a save.
 */
final class RecentRequisites {
  static final long DEFAULT_MAX_AGE_MILLIS = 10 * 60_000L;
  static final int DEFAULT_MAX_ENTRIES = 1024;
  static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
  /** Larger bodies are not kept: they are rare among the requisites pages share. */
  static final int MAX_ENTRY_BYTES = 2 * 1024 * 1024;

  /**
   * A reusable response: its status, type and headers (the body itself only as the stored blob),
   * and, for a stylesheet, what it imports ({@code null} when it was not parsed).
   */
  record Entry(FetchResult response, Blob body, List<Requisite> imports, long expiresAtNanos) {}

  private final long maxAgeMillis;
  private final int maxEntries;
  private final long maxBytes;
  private final LongSupplier nanos;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes; // guarded by this

  RecentRequisites(long maxAgeMillis, int maxEntries, long maxBytes, LongSupplier nanos) {
    if (maxAgeMillis < 0) throw new IllegalArgumentException("maxAgeMillis < 0: " + maxAgeMillis);
    if (maxEntries < 0) throw new IllegalArgumentException("maxEntries < 0: " + maxEntries);
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
    this.maxAgeMillis = maxAgeMillis;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.nanos = nanos;
  }

  static RecentRequisites defaults() {
    return new RecentRequisites(DEFAULT_MAX_AGE_MILLIS, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES, System::nanoTime);
  }

  /** Keeps nothing: every requisite is fetched for every page. */
  static RecentRequisites none() {
    return new RecentRequisites(0, 0, 0, System::nanoTime);
  }

  /** The fresh entry for this URL (without fragment), or null. */
  synchronized Entry get(String url) {
    Entry e = entries.get(url);
    if (e == null) return null;
    if (nanos.getAsLong() - e.expiresAtNanos() >= 0) {
      remove(url);
      return null;
    }
    return e;
  }

  /** Keeps the service's own response for {@code url} when HTTP allows reusing it; returns whether it did. */
  boolean put(String url, FetchResult r, Blob body, List<Requisite> imports, long nowMillis) {
    if (maxEntries == 0 || r.status() < 200 || r.status() > 299 || body.stored().length > MAX_ENTRY_BYTES) return false;
    long fresh = Math.min(maxAgeMillis, freshnessMillis(r.headers(), nowMillis));
    if (fresh <= 0) return false;
    FetchResult bare = new FetchResult(r.url(), r.finalUrl(), r.status(), r.contentType(), List.copyOf(r.headers()),
        new byte[0], r.attempts(), r.redirects());
    Entry e = new Entry(bare, body, imports == null ? null : List.copyOf(imports), nanos.getAsLong() + fresh * 1_000_000L);
    synchronized (this) {
      remove(url);
      entries.put(url, e);
      bytes += body.stored().length;
      var it = entries.entrySet().iterator();
      while ((entries.size() > maxEntries || bytes > maxBytes) && it.hasNext()) {
        Map.Entry<String, Entry> eldest = it.next();
        bytes -= eldest.getValue().body().stored().length;
        it.remove();
      }
    }
    return true;
  }

  synchronized int size() { return entries.size(); }

  private void remove(String url) {
    Entry old = entries.remove(url);
    if (old != null) bytes -= old.body().stored().length;
  }

  /**
   * How long HTTP lets a cache reuse a response with these headers ("Name: value" lines) without
   * asking again, in milliseconds; 0 when it may not. {@code max-age} wins; without it, a tenth of
   * the time between {@code Date} (else now) and {@code Last-Modified} (RFC 9111 4.2.2); without
   * either, 0.
   */
  static long freshnessMillis(List<String> headers, long nowMillis) {
    Long maxAge = null;
    String lastModified = null;
    String date = null;
    for (String line : headers) {
      int colon = line.indexOf(':');
      if (colon <= 0) continue;
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "cache-control" -> {
          for (String d : value.toLowerCase(Locale.ROOT).split(",")) {
            String directive = d.trim();
            if (directive.equals("no-store") || directive.startsWith("no-cache")) return 0;
            if (directive.startsWith("max-age=")) maxAge = seconds(directive.substring(8));
          }
        }
        case "pragma" -> {
          if (value.toLowerCase(Locale.ROOT).contains("no-cache")) return 0;
        }
        case "vary" -> {
          for (String v : value.toLowerCase(Locale.ROOT).split(",")) {
            if (!v.trim().equals("accept-encoding")) return 0;
          }
        }
        case "set-cookie" -> {
          return 0;
        }
        case "last-modified" -> lastModified = value;
        case "date" -> date = value;
        default -> { }
      }
    }
    if (maxAge != null) return Math.max(0, maxAge) * 1000;
    Long modified = epochMillis(lastModified);
    if (modified == null) return 0;
    Long served = epochMillis(date);
    long age = (served == null ? nowMillis : served) - modified;
    return age <= 0 ? 0 : age / 10;
  }

  private static Long seconds(String s) {
    try {
      return Long.parseLong(s.replace("\"", "").trim());
    } catch (NumberFormatException e) {
      return 0L; // a malformed max-age means stale (RFC 9111 4.2.1)
    }
  }

  private static Long epochMillis(String httpDate) {
    if (httpDate == null) return null;
    try {
      return ZonedDateTime.parse(httpDate, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}

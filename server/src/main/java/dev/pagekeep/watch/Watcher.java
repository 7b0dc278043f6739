package dev.pagekeep.watch;

import dev.pagekeep.capture.HtmlCapture;
import dev.pagekeep.fetch.FetchException;
import dev.pagekeep.fetch.FetchResult;
import dev.pagekeep.fetch.Fetcher;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.InvalidUrlException;
import dev.pagekeep.model.RecaptureCheck;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.model.Watch;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.ArchiveStore.NewSave;
import dev.pagekeep.store.Blob;
import dev.pagekeep.store.WatchStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks watches: on a schedule (every {@link #TICK_SECONDS}, the watches that are due, one at a
 * time) and when asked. A check fetches the watched URL through the shared fetcher (so the per-host
 * and in-flight caps hold) with a conditional GET, then either follows it (queues the entries it has
 * not seen, and with {@code links} the links in their content) or re-captures it (queues a new
 * snapshot only when the page's text changed). Whatever goes wrong ends as a one-line error on the
 * watch; nothing is queued then.
 */
public final class Watcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Watcher.class);
  /** The largest feed or page a watch reads (a re-capture takes the fetcher's own cap). */
  public static final long MAX_FEED_BYTES = 10L * 1024 * 1024;
  public static final long TICK_SECONDS = 30;
  public static final String SOURCE = "watch";
  private static final int ENQUEUE_BATCH = 1_000;

  private final ArchiveStore store;
  private final WatchStore watches;
  private final Fetcher fetcher;
  private final Runnable wake;
  private final Clock clock;
  private final Object checking = new Object();
  private final ScheduledExecutorService scheduler;

  /** {@code wake} tells the archiver that saves were queued. */
  public Watcher(ArchiveStore store, WatchStore watches, Fetcher fetcher, Runnable wake, Clock clock) {
    this.store = store;
    this.watches = watches;
    this.fetcher = fetcher;
    this.wake = wake;
    this.clock = clock;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "watcher");
      t.setDaemon(true);
      return t;
    });
  }

  public WatchStore watches() { return watches; }

  /** Starts the schedule: due watches are checked within {@link #TICK_SECONDS} (so also just after a restart). */
  public Watcher start() {
    scheduler.scheduleWithFixedDelay(this::runDueQuietly, 2, TICK_SECONDS, TimeUnit.SECONDS);
    return this;
  }

  /**
   * Adds a watch (checked at once, in the background). Throws {@link IllegalArgumentException}
   * with a one-line reason for a URL that cannot be archived or a bad interval.
   */
  public WatchStore.Added add(String url, String every, boolean links, boolean recapture) {
    String valid = UrlKeys.validate(url);
    long seconds = Every.parse(every);
    WatchStore.Added added = watches.add(valid, seconds, links, recapture, clock.millis());
    if (!added.existing()) checkSoon(added.watch().id());
    return added;
  }

  /** Checks one watch on the scheduler's thread, soon. */
  public void checkSoon(long id) {
    try {
      scheduler.execute(() -> {
        try {
          check(id);
        } catch (RuntimeException e) {
          log.error("watch {}: {}", id, e.toString());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException ignored) {
      // closing
    }
  }

  /** Checks every watch that is due now; returns how many were checked. */
  public int runDue() {
    int n = 0;
    for (Watch w : watches.due(clock.millis())) {
      check(w.id());
      n++;
    }
    return n;
  }

  private void runDueQuietly() {
    try {
      runDue();
    } catch (RuntimeException e) {
      log.error("watch schedule: {}", e.toString());
    }
  }

  /** Checks a watch now and returns it as recorded; empty when there is no such watch. */
  public Optional<Watch> check(long id) {
    synchronized (checking) { // one check at a time: polite, and a watch is never checked twice at once
      Optional<Watch> found = watches.get(id);
      if (found.isEmpty()) return found;
      Watch w = found.get();
      long now = clock.millis();
      FetchResult r;
      try {
        r = fetch(w);
      } catch (FeedException e) {
        return watches.recordCheck(failed(w, now, e.getMessage()), Set.of());
      }
      try {
        return w.recapture() ? recapture(w, r, now) : follow(w, r, now);
      } catch (FeedException e) {
        return watches.recordCheck(failed(w, now, e.getMessage()), Set.of());
      }
    }
  }

  private static Watch failed(Watch w, long now, String error) {
    // The validators stay those of the last good answer, so a fixed feed is read again in full.
    return w.checked(now, null, null, w.etag(), w.lastModified(), error, List.of(), "error");
  }

  private FetchResult fetch(Watch w) throws FeedException {
    Map<String, String> headers = new LinkedHashMap<>();
    if (w.etag() != null) headers.put("If-None-Match", w.etag());
    if (w.lastModified() != null) headers.put("If-Modified-Since", w.lastModified());
    long cap = w.recapture() ? Long.MAX_VALUE : MAX_FEED_BYTES;
    try {
      return fetcher.fetch(w.url(), headers, cap).get(15, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String m = cause instanceof FetchException ? cause.getMessage() : String.valueOf(cause);
      if (m.contains("over the cap") && !w.recapture()) {
        throw new FeedException("too large: over " + MAX_FEED_BYTES / (1024 * 1024) + " MB, the cap for a watched feed or page");
      }
      throw new FeedException(m);
    } catch (TimeoutException e) {
      throw new FeedException("no answer within 15 minutes");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FeedException("interrupted");
    }
  }

  // ---------------------------------------------------------------- following entries

  private Optional<Watch> follow(Watch w, FetchResult r, long now) throws FeedException {
    if (r.status() == 304) {
      return watches.recordCheck(w.checked(now, null, null, w.etag(), w.lastModified(), null, List.of(), "not modified"), Set.of());
    }
    if (r.status() < 200 || r.status() >= 300) throw new FeedException("HTTP " + r.status() + " from " + host(r.finalUrl()));
    Feed feed = Feeds.read(r.body(), r.contentType(), r.finalUrl());
    Set<String> self = new HashSet<>(List.of(UrlKeys.normalize(w.url()), UrlKeys.normalize(r.finalUrl())));
    int selfLinks = 0;
    for (Feed.Entry e : feed.entries()) if (e.url() != null && self.contains(UrlKeys.normalize(e.url()))) selfLinks++;
    if (!feed.entries().isEmpty() && selfLinks == feed.entries().size()) {
      throw new FeedException("the " + label(feed.kind()) + " links only to itself (" + selfLinks
          + (selfLinks == 1 ? " entry" : " entries") + "): nothing to archive");
    }
    List<String> keys = feed.entries().stream().map(Feed.Entry::key).toList();
    Set<String> fresh = new HashSet<>(watches.unseen(w.id(), keys));
    Set<String> seenNow = new LinkedHashSet<>();
    Map<String, String> toQueue = new LinkedHashMap<>(); // url -> title
    List<String> linkCandidates = new ArrayList<>();
    for (Feed.Entry e : feed.entries()) {
      if (!fresh.contains(e.key())) continue;
      seenNow.add(e.key());
      String entryUrl = e.url() == null ? null : valid(e.url());
      if (entryUrl != null && !self.contains(UrlKeys.normalize(entryUrl))) toQueue.putIfAbsent(entryUrl, e.title());
      if (w.links() && !"page".equals(feed.kind())) {
        for (String link : Feeds.links(e.contentHtml(), e.url() != null ? e.url() : r.finalUrl())) {
          String v = valid(link);
          if (v != null && !self.contains(UrlKeys.normalize(v)) && !toQueue.containsKey(v)) linkCandidates.add(v);
        }
      }
    }
    // A link is archived once per watch, and not at all when the archive already has it.
    List<String> linkKeys = linkCandidates.stream().map(l -> "link:" + l).toList();
    for (String key : watches.unseen(w.id(), linkKeys)) {
      String link = key.substring(5);
      seenNow.add(key);
      if (store.keysForUrl(link).isEmpty()) toQueue.putIfAbsent(link, null);
    }
    List<String> queued = enqueue(toQueue);
    int newEntries = (int) seenNow.stream().filter(k -> !k.startsWith("link:")).count();
    String result = newEntries == 0 ? "nothing new"
        : newEntries + (newEntries == 1 ? " new entry" : " new entries") + ", " + queued.size() + " queued";
    Watch done = w.checked(now, feed.kind(), feed.title(), header(r, "ETag"), header(r, "Last-Modified"), null, queued, result);
    return watches.recordCheck(done, seenNow);
  }

  private List<String> enqueue(Map<String, String> urls) {
    List<NewSave> batch = new ArrayList<>();
    List<String> queued = new ArrayList<>();
    for (Map.Entry<String, String> e : urls.entrySet()) {
      batch.add(new NewSave(e.getKey(), SOURCE, e.getValue(), null));
      if (batch.size() == ENQUEUE_BATCH) {
        store.enqueue(batch).forEach(q -> queued.add(q.save().url()));
        batch.clear();
      }
    }
    if (!batch.isEmpty()) store.enqueue(batch).forEach(q -> queued.add(q.save().url()));
    if (!queued.isEmpty()) wake.run();
    return queued;
  }

  // ---------------------------------------------------------------- re-capture

  private Optional<Watch> recapture(Watch w, FetchResult r, long now) throws FeedException {
    String urlKey = UrlKeys.urlKey(w.url());
    List<Capture> versions = store.versions(urlKey);
    Capture newest = versions.isEmpty() ? null : versions.get(versions.size() - 1);
    String etag = header(r, "ETag");
    String lastModified = header(r, "Last-Modified");
    if (r.status() == 304) {
      if (newest != null) return unchanged(w, newest, now, w.etag(), w.lastModified());
      throw new FeedException("HTTP 304 to a conditional GET, but the archive has no snapshot of it");
    }
    if (r.status() < 200 || r.status() >= 300) throw new FeedException("HTTP " + r.status() + " from " + host(r.finalUrl()));
    if (newest != null && sameContent(newest, r)) return unchanged(w, newest, now, etag, lastModified);
    List<ArchiveStore.Enqueued> q = store.enqueue(List.of(new NewSave(w.url(), SOURCE, null, null)));
    wake.run();
    long saveId = q.get(0).save().id();
    String result;
    if (newest == null) {
      result = "first capture queued";
    } else {
      watches.recordRecapture(new RecaptureCheck(urlKey, w.url(), now, RecaptureCheck.CHANGED, newest.timestamp(), saveId, w.id()));
      result = "changed since the version of " + dev.pagekeep.model.Timestamps.parse(newest.timestamp()) + ": new version queued";
    }
    return watches.recordCheck(w.checked(now, "recapture", null, etag, lastModified, null, List.of(w.url()), result), Set.of());
  }

  private Optional<Watch> unchanged(Watch w, Capture newest, long now, String etag, String lastModified) {
    watches.recordRecapture(new RecaptureCheck(newest.urlKey(), w.url(), now, RecaptureCheck.UNCHANGED, newest.timestamp(), 0, w.id()));
    return watches.recordCheck(w.checked(now, "recapture", null, etag, lastModified, null, List.of(), "unchanged"), Set.of());
  }

  /**
   * The digest of what matters, as capture computes it: a page's visible text (so a new ad slot id or
   * a timestamp in a script does not count), a text file's bytes, anything else's bytes.
   */
  static boolean sameContent(Capture newest, FetchResult r) {
    String type = r.mediaType();
    boolean html = type.equals("text/html") || type.equals("application/xhtml+xml");
    if (html && newest.textDigest() != null) {
      String text = HtmlCapture.parse(r.body(), r.contentType(), r.finalUrl()).text();
      return Blob.sha256(text.getBytes(StandardCharsets.UTF_8)).equals(newest.textDigest());
    }
    return Blob.sha256(r.body()).equals(newest.digest());
  }

  // ---------------------------------------------------------------- helpers

  private static String valid(String url) {
    try {
      return UrlKeys.validate(url);
    } catch (InvalidUrlException e) {
      return null;
    }
  }

  private static String header(FetchResult r, String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    for (String line : r.headers()) {
      if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        String v = line.substring(prefix.length()).strip();
        return v.isEmpty() || v.length() > 1000 ? null : v;
      }
    }
    return null;
  }

  private static String label(String kind) {
    return "page".equals(kind) ? "page" : "feed";
  }

  private static String host(String url) {
    try {
      okhttp3.HttpUrl u = okhttp3.HttpUrl.parse(url); // as the fetcher parses it ("?q=a|b" included)
      return u == null ? url : u.host();
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

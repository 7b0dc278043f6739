package dev.pagekeep.search;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.store.ArchiveStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link SearchIndex} in step with the store: indexes a snapshot when its save
 * finishes, removes snapshots when they are deleted, and rebuilds everything on demand
 * ({@code pagekeep reindex}) or when the index is found out of step at start (a crash between
 * a capture and the index commit, or a new data directory with an old archive).
 */
public final class SearchIndexer {
  private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);
  private static final int PAGE = 500;

  private final ArchiveStore store;
  private final SearchIndex index;
  private final AtomicBoolean rebuilding = new AtomicBoolean();
  private final AtomicLong rebuildDone = new AtomicLong();
  private final AtomicLong rebuildTotal = new AtomicLong();
  private volatile String lastError;

  public SearchIndexer(ArchiveStore store, SearchIndex index) {
    this.store = store;
    this.index = index;
  }

  public SearchIndex index() { return index; }

  /** The archiver's listener: a finished save's snapshot becomes searchable (its tags too). */
  public void onFinished(Save save) {
    if (save.state() != SaveState.DONE || save.snapshotTimestamp() == null) return;
    try {
      store.capture(save.urlKey(), save.snapshotTimestamp()).ifPresent(c -> add(c, save.tags()));
    } catch (RuntimeException e) {
      log.error("could not index {} ({}): {}", save.url(), save.snapshotTimestamp(), e.getMessage());
    }
  }

  /** Removes deleted snapshots ({@code timestampOrNull} null: all of the URL's). */
  public void onDeleted(String urlKey, String timestampOrNull) {
    try {
      index.delete(urlKey, timestampOrNull);
    } catch (RuntimeException e) {
      log.error("could not remove {} from the search index: {}", urlKey, e.getMessage());
    }
  }

  /** The texts the index highlights from: each snapshot's text blob in the store. */
  public static SearchIndex.Texts texts(ArchiveStore store) {
    return (urlKey, timestamp) -> store.capture(urlKey, timestamp).map(c -> textOf(store, c)).orElse("");
  }

  private static String textOf(ArchiveStore store, Capture c) {
    if (c.textDigest() == null) return "";
    return store.blob(c.textDigest()).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
  }

  void add(Capture c, List<String> tags) {
    String text = textOf(store, c);
    index.add(new SearchIndex.Entry(c.urlKey(), c.timestamp(), c.url(), c.title(), text, tags == null ? List.of() : tags));
  }

  /** Rebuilds the index from the store in this thread; returns the number of snapshots indexed. */
  public long rebuild() {
    if (!rebuilding.compareAndSet(false, true)) throw new IllegalStateException("a reindex is already running");
    return rebuildClaimed();
  }

  private long rebuildClaimed() {
    try {
      lastError = null;
      rebuildDone.set(0);
      rebuildTotal.set(store.stats().pages());
      index.clear();
      String cursor = null;
      while (true) {
        List<Capture> pages = store.pages(cursor, PAGE);
        for (Capture c : pages) {
          add(c, List.of());
          rebuildDone.incrementAndGet();
        }
        if (pages.size() < PAGE) break;
        Capture last = pages.get(pages.size() - 1);
        cursor = last.timestamp() + "/" + last.urlKey();
      }
      index.commit();
      return rebuildDone.get();
    } catch (RuntimeException e) {
      lastError = e.getMessage();
      throw e;
    } finally {
      rebuilding.set(false);
    }
  }

  /** Starts a rebuild on a background thread; false when one is already running. */
  public boolean rebuildInBackground() {
    if (!rebuilding.compareAndSet(false, true)) return false;
    Thread t = new Thread(() -> {
      try {
        long n = rebuildClaimed();
        log.info("search index rebuilt: {} snapshots", n);
      } catch (RuntimeException e) {
        log.error("search index rebuild failed: {}", e.getMessage());
      }
    }, "reindex");
    t.setDaemon(true);
    t.start();
    return true;
  }

  /** At start: rebuilds in the background when the index does not hold every snapshot the store has. */
  public void catchUp() {
    long pages = store.stats().pages();
    long indexed = index.size();
    if (pages != indexed) {
      log.info("search index holds {} of {} snapshots: rebuilding", indexed, pages);
      rebuildInBackground();
    }
  }

  /** {@code {"running","done","total","indexed","error"?}} for the API. */
  public Map<String, Object> status() {
    var m = new java.util.LinkedHashMap<String, Object>();
    m.put("running", rebuilding.get());
    m.put("done", rebuildDone.get());
    m.put("total", rebuildTotal.get());
    m.put("indexed", index.size());
    if (lastError != null) m.put("error", lastError);
    return m;
  }
}

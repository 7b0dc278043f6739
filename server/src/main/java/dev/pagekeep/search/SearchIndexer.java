package dev.pagekeep.search;

import dev.pagekeep.model.Capture;
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
 * finishes, removes snapshots when they are deleted, rebuilds everything on demand
 * ({@code pagekeep reindex}), and at start catches up what the index misses (a crash between a
 * capture and the index commit, an index started afresh) without redoing what it has.
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

  /** A finished save's snapshot, with its text, becomes searchable (nothing is read back from the store). */
  public void onDone(Capture page, String text) {
    try {
      index.addLater(new SearchIndex.Entry(page.urlKey(), page.timestamp(), page.url(), page.title(), text, page.tagList()));
    } catch (RuntimeException e) {
      log.error("could not index {} ({}): {}", page.url(), page.timestamp(), e.getMessage());
    }
  }

  /** A snapshot stored without a save (an imported web archive) becomes searchable. */
  public void onStored(Capture c) {
    try {
      add(c);
    } catch (RuntimeException e) {
      log.error("could not index {} ({}): {}", c.url(), c.timestamp(), e.getMessage());
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

  void add(Capture c) {
    String text = textOf(store, c);
    index.add(new SearchIndex.Entry(c.urlKey(), c.timestamp(), c.url(), c.title(), text, c.tagList()));
  }

  /** Rebuilds the index from the store in this thread; returns the number of snapshots indexed. */
  public long rebuild() {
    claim();
    return rebuildClaimed();
  }

  /** Starts a rebuild on a background thread; false when one is already running. */
  public boolean rebuildInBackground() {
    if (!rebuilding.compareAndSet(false, true)) return false;
    inBackground(() -> "search index rebuilt: " + rebuildClaimed() + " snapshots", "search index rebuild failed: {}");
    return true;
  }

  /**
   * At start, when the index does not hold as many snapshots as the store: in the background,
   * indexes the store's snapshots it lacks and drops the ones the store no longer has. A crash
   * loses the last seconds of index commits, so this is usually a few pages, not a rebuild of a
   * million; search answers meanwhile.
   */
  public void catchUp() {
    long pages = store.stats().pages();
    long indexed = index.size();
    if (pages == indexed) return;
    log.info("search index holds {} of {} snapshots: catching up", indexed, pages);
    if (!rebuilding.compareAndSet(false, true)) return;
    inBackground(() -> {
      long[] n = reconcileClaimed();
      return "search index caught up: " + n[0] + " snapshots added, " + n[1] + " removed";
    }, "search index catch-up failed: {}");
  }

  /** Catches up in this thread (see {@link #catchUp}); returns {added, removed}. */
  long[] reconcile() {
    claim();
    return reconcileClaimed();
  }

  private void claim() {
    if (!rebuilding.compareAndSet(false, true)) throw new IllegalStateException("a reindex is already running");
  }

  /** Runs claimed work on the "reindex" thread and logs how it ended. */
  private static void inBackground(java.util.function.Supplier<String> work, String failure) {
    Thread t = new Thread(() -> {
      try {
        log.info(work.get());
      } catch (RuntimeException e) {
        log.error(failure, e.getMessage());
      }
    }, "reindex");
    t.setDaemon(true);
    t.start();
  }

  private long rebuildClaimed() {
    return claimed(() -> {
      index.clear();
      eachPageBatch(pages -> {
        for (Capture c : pages) {
          add(c);
          rebuildDone.incrementAndGet();
        }
      });
      return rebuildDone.get();
    });
  }

  private long[] reconcileClaimed() {
    return claimed(() -> {
      long[] added = {0};
      eachPageBatch(pages -> {
        Map<String, Capture> byId = new java.util.HashMap<>();
        for (Capture c : pages) byId.put(c.id(), c);
        for (String id : index.missing(byId.keySet())) {
          add(byId.get(id));
          added[0]++;
        }
        rebuildDone.addAndGet(pages.size());
      });
      long removed = 0;
      if (index.size() > store.stats().pages()) {
        // Ids are urlKey/timestamp (SearchIndex.Entry#id); the key itself holds no slash.
        List<String[]> gone = new java.util.ArrayList<>();
        index.forEachId(id -> {
          String[] keyAndTs = id.split("/", 2);
          if (keyAndTs.length == 2 && store.capture(keyAndTs[0], keyAndTs[1]).isEmpty()) gone.add(keyAndTs);
        });
        for (String[] g : gone) index.delete(g[0], g[1]);
        removed = gone.size();
      }
      return new long[] {added[0], removed};
    });
  }

  /** Runs a claimed rebuild or catch-up: progress reset, index committed, error kept, claim released. */
  private <T> T claimed(java.util.function.Supplier<T> work) {
    try {
      lastError = null;
      rebuildDone.set(0);
      rebuildTotal.set(store.stats().pages());
      T result = work.get();
      index.commit();
      return result;
    } catch (RuntimeException e) {
      lastError = e.getMessage();
      throw e;
    } finally {
      rebuilding.set(false);
    }
  }

  /** The store's page snapshots, oldest first, a batch at a time. */
  private void eachPageBatch(java.util.function.Consumer<List<Capture>> batch) {
    String cursor = null;
    while (true) {
      List<Capture> pages = store.pages(cursor, PAGE);
      batch.accept(pages);
      if (pages.size() < PAGE) return;
      Capture last = pages.get(pages.size() - 1);
      cursor = last.timestamp() + "/" + last.urlKey();
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

package dev.pagekeep.export;

import dev.pagekeep.model.Capture;
import dev.pagekeep.store.ArchiveStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Walks the archive's page snapshots newest first, a page of records at a time. */
final class Articles {
  private static final int PAGE = 500;

  private Articles() {}

  /** Every page snapshot, newest first. */
  static void eachSnapshot(ArchiveStore store, Consumer<Capture> action) {
    String cursor = null;
    while (true) {
      List<Capture> pages = store.pages(cursor, PAGE);
      pages.forEach(action);
      if (pages.size() < PAGE) return;
      Capture last = pages.get(pages.size() - 1);
      cursor = last.timestamp() + "/" + last.urlKey();
    }
  }

  /**
   * Every page snapshot, oldest first (WARC order: a revisit refers back in time). Only the
   * ids are held, about 50 bytes a snapshot; records are read again one at a time.
   */
  static void eachSnapshotOldestFirst(ArchiveStore store, Consumer<Capture> action) {
    List<String[]> ids = new java.util.ArrayList<>();
    eachSnapshot(store, c -> ids.add(new String[] {c.urlKey(), c.timestamp()}));
    for (int i = ids.size() - 1; i >= 0; i--) store.capture(ids.get(i)[0], ids.get(i)[1]).ifPresent(action);
  }

  /** The newest snapshot of each URL (an article), newest first. */
  static void eachArticle(ArchiveStore store, Consumer<Capture> action) {
    Set<String> seen = new HashSet<>();
    eachSnapshot(store, c -> {
      if (seen.add(c.urlKey())) action.accept(c);
    });
  }
}

package dev.pagekeep.export;

import dev.pagekeep.model.Capture;
import dev.pagekeep.store.ArchiveStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walks the archive's page snapshots a page of records at a time, holding no list of the whole
 * archive: memory stays the same whatever its size.
 */
final class Articles {
  private static final int PAGE = 500;
  /** "urlKey/timestamp\n": 32 + 1 + 14 + 1 bytes. */
  private static final int ID_BYTES = 48;

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
   * Every page snapshot, oldest first (WARC order: a revisit refers back in time). The ids are
   * written newest first to a temporary file of fixed-width lines, which is then read backwards a
   * block at a time; records are read again one at a time.
   */
  static void eachSnapshotOldestFirst(ArchiveStore store, Consumer<Capture> action) {
    try {
      Path ids = Files.createTempFile("pagekeep-export", ".ids");
      try {
        try (Writer w = Files.newBufferedWriter(ids, StandardCharsets.US_ASCII)) {
          eachSnapshot(store, c -> {
            String id = c.urlKey() + "/" + c.timestamp() + "\n";
            if (id.length() != ID_BYTES) return; // keys and timestamps are checked on the way in; never here
            try {
              w.write(id);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
        }
        try (RandomAccessFile f = new RandomAccessFile(ids.toFile(), "r")) {
          long records = f.length() / ID_BYTES;
          byte[] block = new byte[PAGE * ID_BYTES];
          for (long end = records; end > 0; end -= PAGE) {
            long start = Math.max(0, end - PAGE);
            int n = (int) (end - start);
            f.seek(start * ID_BYTES);
            f.readFully(block, 0, n * ID_BYTES);
            for (int i = n - 1; i >= 0; i--) {
              String id = new String(block, i * ID_BYTES, ID_BYTES - 1, StandardCharsets.US_ASCII);
              store.capture(id.substring(0, 32), id.substring(33)).ifPresent(action);
            }
          }
        }
      } finally {
        Files.deleteIfExists(ids);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The newest snapshot of each URL (an article), newest first. A snapshot is an article when no
   * newer snapshot of its URL exists, asked of the store rather than remembered.
   */
  static void eachArticle(ArchiveStore store, Consumer<Capture> action) {
    eachSnapshot(store, c -> {
      if (isNewest(store, c)) action.accept(c);
    });
  }

  private static boolean isNewest(ArchiveStore store, Capture c) {
    List<Capture> versions = store.versions(c.urlKey());
    return versions.isEmpty() || versions.get(versions.size() - 1).timestamp().equals(c.timestamp());
  }
}

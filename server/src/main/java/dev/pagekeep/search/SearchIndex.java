package dev.pagekeep.search;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The full-text index over archived pages: one entry per snapshot (title, URL, text, tags),
 * searched with phrases ({@code "exact words"}), prefixes ({@code arch*}) and the usual boolean
 * syntax, best match first, with highlighted snippets. It is derived data: it can always be
 * rebuilt from the archive store ({@link SearchIndexer#rebuild}).
 */
public interface SearchIndex extends AutoCloseable {

  /** What gets indexed for one page snapshot. {@code text} may be empty; tags may be empty. */
  record Entry(String urlKey, String timestamp, String url, String title, String text, List<String> tags) {
    public String id() { return urlKey + "/" + timestamp; }
  }

  /**
   * One matching URL (its best-matching snapshot).
   *
   * @param snippet HTML-safe excerpt of the text with matches in {@code <mark>}; may be empty
   * @param titleHighlight HTML-safe title with matches in {@code <mark>}, or null when the title did not match
   */
  record Hit(String urlKey, String timestamp, float score, String snippet, String titleHighlight) {}

  /**
   * Where a snapshot's text is read back for snippets. The index keeps only the words' positions,
   * not a second copy of every page's text (the store already has it): storing it, with offsets,
   * made indexing 1.5x slower and the index 5x bigger.
   */
  @FunctionalInterface
  interface Texts {
    /** The text that was indexed for this snapshot, or "" when it is gone. */
    String text(String urlKey, String timestamp);
  }

  /** A page of results; {@code nextOffset} is -1 on the last page. */
  record Results(long matchingSnapshots, List<Hit> hits, int nextOffset) {}

  /** Adds or replaces the entry for this snapshot. */
  void add(Entry entry);

  /**
   * As {@link #add}, but may return before the entry is indexed: every search or change made
   * after this call still sees it. By default, {@link #add}.
   */
  default void addLater(Entry entry) {
    add(entry);
  }

  /** Removes one snapshot, or every snapshot of the URL when {@code timestampOrNull} is null. */
  void delete(String urlKey, String timestampOrNull);

  /**
   * Best match first, one hit per URL.
   *
   * @throws SearchQueryException when the query has nothing to search for
   */
  Results search(String query, int offset, int limit);

  /** Of these snapshot ids ({@link Entry#id()}), the ones the index does not hold. */
  Set<String> missing(Collection<String> ids);

  /** Calls {@code visitor} with the id of every snapshot the index holds. */
  void forEachId(Consumer<String> visitor);

  /**
   * Names a filter joined from outside the index: {@code is:NAME} in a query keeps the URLs whose
   * keys {@code urlKeys} gives at search time ({@code -is:NAME} drops them).
   */
  void filter(String name, java.util.function.Supplier<? extends Collection<String>> urlKeys);

  /** Removes everything (before a rebuild). */
  void clear();

  /** Snapshots indexed. */
  long size();

  /** Makes every change so far durable. */
  void commit();

  @Override
  void close();
}

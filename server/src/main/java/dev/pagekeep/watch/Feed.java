package dev.pagekeep.watch;

import java.util.List;

/**
 * What a watch found at its URL: a feed's entries, or a page's links (each link an entry).
 *
 * @param kind  rss, atom, rdf, json (JSON Feed) or page
 */
public record Feed(String kind, String title, List<Entry> entries) {
  /**
   * One entry: {@code key} identifies it across checks (guid or id, else its link), {@code url} is
   * what gets archived (null when the entry has no link), {@code contentHtml} is its content or summary.
   */
  public record Entry(String key, String url, String title, String contentHtml) {}
}

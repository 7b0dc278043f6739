package dev.pagekeep.search;

/** A search query that cannot be run, with the reason in words. */
public final class SearchQueryException extends IllegalArgumentException {
  private final String query;

  public SearchQueryException(String query, String reason) {
    super(reason);
    this.query = query;
  }

  public String query() { return query; }
}

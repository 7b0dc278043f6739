package dev.pagekeep.model;

/** A URL that cannot be archived, with the reason in words. */
public final class InvalidUrlException extends IllegalArgumentException {
  private final String url;

  public InvalidUrlException(String url, String reason) {
    super(reason + ": " + url);
    this.url = url;
  }

  public String url() { return url; }
}

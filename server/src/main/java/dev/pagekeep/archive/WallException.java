package dev.pagekeep.archive;

/**
 * The service's fetch of a page met a wall (login, paywall, consent or bot challenge) instead of
 * the page: the save waits for a capture through the browser rather than storing the wall.
 */
public final class WallException extends Exception {
  private final String url;
  private final int attempts;

  public WallException(String url, String reason, int attempts) {
    super(reason);
    this.url = url;
    this.attempts = attempts;
  }

  public String url() { return url; }

  public int attempts() { return attempts; }
}

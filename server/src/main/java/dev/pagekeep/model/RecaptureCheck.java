package dev.pagekeep.model;

/**
 * One scheduled re-capture of a URL: {@code unchanged} (its content has the digest of the newest
 * snapshot, so no snapshot was stored), or {@code changed} (a new version was queued; {@code since}
 * is the snapshot it differs from).
 *
 * @param at      when it was checked, epoch milliseconds
 * @param since   timestamp of the snapshot compared with
 * @param saveId  the save queued for a changed page, 0 otherwise
 */
public record RecaptureCheck(String urlKey, String url, long at, String result, String since, long saveId, long watchId) {
  public static final String UNCHANGED = "unchanged";
  public static final String CHANGED = "changed";

  public boolean changed() { return CHANGED.equals(result); }
}

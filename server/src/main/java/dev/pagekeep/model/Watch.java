package dev.pagekeep.model;

import java.util.List;

/**
 * A feed or page that pagekeep follows (or a page it re-captures), checked every
 * {@code everySeconds}. Times are epoch milliseconds (0: never).
 *
 * @param links        also archive every outbound link in each new entry's content
 * @param recapture    re-capture the URL itself instead of following its entries
 * @param kind         what the last successful check found: rss, atom, json, page; null before one
 * @param etag         validators of the last answer, sent back for a conditional GET
 * @param error        the last check's one-line error, null when it went well
 * @param added        URLs queued by the last check that queued any (at most {@link #RECENT_ADDED})
 * @param addedTotal   URLs queued by this watch since it was made
 * @param lastResult   a short phrase for people: "3 new entries", "unchanged", "changed", "not modified"
 */
public record Watch(
    long id, String url, long everySeconds, boolean links, boolean recapture, long created,
    long lastCheck, long nextCheck, String kind, String title, String etag, String lastModified,
    String error, List<String> added, long addedAt, long addedTotal, String lastResult) {

  public static final int RECENT_ADDED = 50;

  public Watch checked(long now, String kind, String title, String etag, String lastModified, String error,
                       List<String> newlyAdded, String result) {
    boolean addedSome = newlyAdded != null && !newlyAdded.isEmpty();
    List<String> recent = addedSome
        ? List.copyOf(newlyAdded.subList(0, Math.min(RECENT_ADDED, newlyAdded.size()))) : added;
    return new Watch(id, url, everySeconds, links, recapture, created, now, now + everySeconds * 1000,
        kind == null ? this.kind : kind, title == null ? this.title : title, etag, lastModified, error,
        recent, addedSome ? now : addedAt, addedTotal + (addedSome ? newlyAdded.size() : 0), result);
  }
}

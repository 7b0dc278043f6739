package dev.pagekeep.store;

import dev.pagekeep.model.Save;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/**
 * The order in which queued saves are admitted, on disk: one MapDB tree, key = (priority, id)
 * packed in a long, value = the save's host. Interactive saves (a person is waiting) sort before
 * bulk ones; within a priority, oldest first. The host in the value lets the dispatcher apply its
 * per-host cap while it scans, without reading the saves it skips.
 *
 * <p>Kept in the same transactions as the queue it mirrors ({@link SaveQueue} calls
 * {@link #add} and {@link #remove} where it adds to and removes from its queue), so a crash never
 * leaves them apart. A store from before this index gets it built once, at open, from the queue.
 */
public final class SaveOrder {
  /** Sources where a person waits for the result; every other source is bulk. */
  public static final Set<String> INTERACTIVE = Set.of("toolbar", "context-menu", "cli", "api", "ui");
  /** Bulk keys carry this bit: every bulk save sorts after every interactive one. */
  static final long BULK = 1L << 62;

  /** One queued save as the order index holds it. */
  public record Entry(long key, long id, String host) {}

  private final BTreeMap<Long, String> order;

  SaveOrder(DB db, Iterable<Long> queue, LongFunction<Save> saves) {
    boolean fresh = !db.exists("queueOrder");
    order = db.treeMap("queueOrder", Serializer.LONG, Serializer.STRING).createOrOpen();
    if (fresh) {
      for (Long id : queue) {
        Save s = saves.apply(id);
        if (s != null) add(s);
      }
    }
  }

  public static boolean isInteractive(String source) {
    return source == null || INTERACTIVE.contains(source);
  }

  /** The admission key of a save: its id, with the bulk bit for bulk sources. */
  public static long key(Save s) {
    return isInteractive(s.source()) ? s.id() : BULK | s.id();
  }

  /** The host a save's pages are counted under (lower case; "" when the URL has none). */
  public static String host(String url) {
    // The host as the fetcher sees it (OkHttp's HttpUrl: IDN as punycode, a '|' or a space in the
    // query is fine); anything it cannot parse: what is between "//" and the next '/'.
    okhttp3.HttpUrl parsed = okhttp3.HttpUrl.parse(url);
    if (parsed != null) return parsed.host();
    int start = url.indexOf("//");
    if (start < 0) return "";
    int end = start + 2;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) end++;
    String authority = url.substring(start + 2, end);
    int colon = authority.lastIndexOf(':');
    if (colon > authority.lastIndexOf(']')) authority = authority.substring(0, colon);
    return authority.toLowerCase(Locale.ROOT);
  }

  /** Inside a write: the save is on the queue. */
  void add(Save s) {
    order.put(key(s), host(s.url()));
  }

  /** Inside a write: the save left the queue. */
  void remove(Save s) {
    order.remove(key(s));
  }

  /** Inside a read: up to {@code limit} entries with keys above {@code afterKey}, in order. */
  List<Entry> after(long afterKey, int limit) {
    List<Entry> out = new ArrayList<>(Math.min(limit, 1024));
    for (Map.Entry<Long, String> e : order.tailMap(afterKey, false).entrySet()) {
      out.add(new Entry(e.getKey(), e.getKey() & ~BULK, e.getValue()));
      if (out.size() >= limit) break;
    }
    return out;
  }

  boolean contains(Save s) {
    return order.containsKey(key(s));
  }

  long size() {
    return order.sizeLong();
  }
}

package dev.pagekeep.store;

import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveResource;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.Enqueued;
import dev.pagekeep.store.ArchiveStore.NewResource;
import dev.pagekeep.store.ArchiveStore.NewSave;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.function.UnaryOperator;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * The saves: every save asked for, in whatever state, and the queue of those still to fetch. Its
 * own collections in the archive's file; a save's DOM and requisite bodies are {@link Blobs}:
 * <pre>
 * saves         id -> Save json                nextSaveId   the last id given
 * savesByState  "state/id" (id zero-padded)    count.STATE  number of saves in each state
 * queue         ids of queued saves, in order  queuedByUrl  urlKey -> id of its queued save
 * queueOrder    the queue in admission order ({@link SaveOrder})
 * </pre>
 * Invariants, kept by the methods here (each called inside one of the store's writes) and checked
 * by {@link #verify}: every save is in savesByState under its state, once, and counted under it;
 * a queued save is on the queue, in the admission order and (unless another save of its URL
 * was queued first) in queuedByUrl, and nothing else is; a save holds one reference to its DOM and
 * to each requisite body.
 */
final class SaveQueue {
  private final Blobs blobs;
  private final BTreeMap<Long, byte[]> saves;
  private final NavigableSet<Long> queue;
  private final HTreeMap<String, Long> queuedByUrl;
  private final NavigableSet<String> byState;
  private final Atomic.Long nextId;
  private final Map<SaveState, Atomic.Long> counts = new EnumMap<>(SaveState.class);
  private final SaveOrder order;

  SaveQueue(DB db, Blobs blobs) {
    this.blobs = blobs;
    saves = db.treeMap("saves", Serializer.LONG, Serializer.BYTE_ARRAY).createOrOpen();
    queue = db.treeSet("queue", Serializer.LONG).createOrOpen();
    queuedByUrl = db.hashMap("queuedByUrl", Serializer.STRING, Serializer.LONG).createOrOpen();
    byState = db.treeSet("savesByState", Serializer.STRING).createOrOpen();
    nextId = db.atomicLong("nextSaveId").createOrOpen();
    for (SaveState s : SaveState.values()) counts.put(s, db.atomicLong("count." + s.wire()).createOrOpen());
    order = new SaveOrder(db, queue, this::get);
  }

  /**
   * A save as it arrives, its bodies compressed before the write (off the writer thread): the
   * URL validated (a bad one throws before anything is written), the DOM and requisite bodies.
   */
  record Prepared(NewSave save, String url, String urlKey, Blob html, List<Blob> resourceBodies) {
    static Prepared of(NewSave n) {
      String url = UrlKeys.validate(n.url());
      List<Blob> bodies = new ArrayList<>();
      if (n.resources() != null) for (NewResource r : n.resources()) bodies.add(Blob.of(r.body()));
      return new Prepared(n, url, UrlKeys.urlKey(url), n.html() == null ? null : Blob.of(n.html()), bodies);
    }

    /** About how many bytes the write adds to the file (checked against free space). */
    long bytes() {
      long bytes = 1024L;
      if (html != null) bytes += html.stored().length;
      for (Blob b : resourceBodies) bytes += b.stored().length + 512;
      return bytes;
    }
  }

  // ---- writes (inside the store's writer) ----

  /** Queues a save; a URL already queued returns that save instead. */
  Enqueued enqueue(Prepared p, long now) {
    Save existing = queuedFor(p.urlKey());
    if (existing != null) return new Enqueued(existing, true);
    long id = nextId.incrementAndGet();
    String htmlDigest = null;
    if (p.html() != null) {
      blobs.put(p.html());
      htmlDigest = p.html().digest();
    }
    List<SaveResource> resources = putResources(p);
    NewSave n = p.save();
    Save s = new Save(id, p.url(), p.urlKey(), SaveState.QUEUED, 0, null,
        n.source() == null ? "api" : n.source(), n.title(), htmlDigest, null, now, now, n.tags(),
        n.httpStatus(), resources);
    write(s, null);
    onQueue(s);
    return new Enqueued(s, false);
  }

  /** The browser's requisite bodies as blobs; null when there are none. */
  private List<SaveResource> putResources(Prepared p) {
    if (p.resourceBodies().isEmpty()) return null;
    List<SaveResource> out = new ArrayList<>(p.resourceBodies().size());
    for (int i = 0; i < p.resourceBodies().size(); i++) {
      NewResource r = p.save().resources().get(i);
      Blob body = p.resourceBodies().get(i);
      blobs.put(body);
      out.add(new SaveResource(UrlKeys.stripFragment(r.url()), r.contentType(), r.status(), body.digest(), body.size()));
    }
    return out;
  }

  /**
   * The save leaves the queue in the state {@code next} gives it; returns it so, or null when
   * there is no such save (any more).
   */
  Save leave(long id, UnaryOperator<Save> next) {
    Save current = get(id);
    if (current == null) return null;
    Save ended = next.apply(current);
    write(ended, current);
    offQueue(current);
    return ended;
  }

  /**
   * A save waiting for the browser takes the DOM the browser captured (in place of any it had)
   * and goes back on the queue. Returns the save as it is when it is not waiting (changed meanwhile).
   */
  Save browserCaptured(long id, Prepared dom, long now) {
    Save current = get(id);
    if (current == null || current.state() != SaveState.NEEDS_BROWSER) return current;
    blobs.put(dom.html());
    releaseBodies(current);
    List<SaveResource> resources = putResources(dom);
    NewSave n = dom.save();
    Save queued = current.withBrowserDom(dom.html().digest(), n.title(), n.httpStatus(), resources, now);
    write(queued, current);
    onQueue(queued);
    return queued;
  }

  /**
   * A failed save (or one waiting for the browser) goes back on the queue, unless another save of
   * its URL is queued: then that one is returned. Any other save is returned as it is.
   */
  Save retry(long id, long now) {
    Save current = get(id);
    if (current == null) return null;
    if (current.state() != SaveState.FAILED && current.state() != SaveState.NEEDS_BROWSER) return current;
    Save queuedOne = queuedFor(current.urlKey());
    if (queuedOne != null) return queuedOne;
    Save again = current.requeued(now);
    write(again, current);
    onQueue(again);
    return again;
  }

  boolean delete(long id) {
    Save current = get(id);
    if (current == null) return false;
    offQueue(current);
    byState.remove(stateKey(current));
    counts.get(current.state()).decrementAndGet();
    saves.remove(id);
    releaseBodies(current);
    return true;
  }

  private void releaseBodies(Save s) {
    if (s.htmlDigest() != null) blobs.release(s.htmlDigest());
    for (SaveResource r : s.resourceList()) blobs.release(r.digest());
  }

  private void onQueue(Save s) {
    queue.add(s.id());
    order.add(s);
    queuedByUrl.put(s.urlKey(), s.id());
  }

  private void offQueue(Save s) {
    queue.remove(s.id());
    order.remove(s);
    Long q = queuedByUrl.get(s.urlKey());
    if (q != null && q == s.id()) queuedByUrl.remove(s.urlKey());
  }

  /** The record, its state index entry and its state's count, moved from {@code previous}'s state. */
  private void write(Save s, Save previous) {
    if (previous != null) {
      byState.remove(stateKey(previous));
      counts.get(previous.state()).decrementAndGet();
    }
    saves.put(s.id(), Json.encode(s));
    byState.add(stateKey(s));
    counts.get(s.state()).incrementAndGet();
  }

  private static String stateKey(Save s) {
    return s.state().wire() + "/" + pad(s.id());
  }

  /** {@code id} in 19 digits, zero-padded (as {@code String.format("%019d")}, which cost a tenth of the store writer's CPU). */
  static String pad(long id) {
    if (id < 0) return String.format("%019d", id);
    String digits = Long.toString(id);
    return "0".repeat(19 - digits.length()) + digits;
  }

  // ---- reads (inside the store's reads or writes) ----

  Save get(long id) {
    byte[] json = saves.get(id);
    return json == null ? null : Json.decode(json, Save.class);
  }

  /** The save queued for this URL, or null. */
  private Save queuedFor(String urlKey) {
    Long id = queuedByUrl.get(urlKey);
    return id == null ? null : get(id);
  }

  /** Saves in a state, newest first, with ids below {@code beforeId}. */
  List<Save> inState(SaveState state, long beforeId, int limit) {
    String prefix = state.wire() + "/";
    List<Save> out = new ArrayList<>();
    for (String key : byState.subSet(prefix, true, prefix + pad(beforeId), false).descendingSet()) {
      Save s = get(Long.parseLong(key.substring(prefix.length())));
      if (s != null) out.add(s);
      if (out.size() >= limit) break;
    }
    return out;
  }

  /** Queued saves in queue order with ids above {@code afterId}. */
  List<Save> queued(long afterId, int limit) {
    List<Save> out = new ArrayList<>();
    for (Long id : queue.tailSet(afterId, false)) {
      Save s = get(id);
      if (s != null && s.state() == SaveState.QUEUED) out.add(s);
      if (out.size() >= limit) break;
    }
    return out;
  }

  List<SaveOrder.Entry> inOrder(long afterKey, int limit) {
    return order.after(afterKey, limit);
  }

  long count(SaveState state) {
    return counts.get(state).get();
  }

  /** Inside a read: problems with the saves and their indexes; adds each save's references to {@code named}. */
  void verify(Map<String, Long> named, List<String> problems) {
    Map<SaveState, Long> counted = new EnumMap<>(SaveState.class);
    for (Map.Entry<Long, byte[]> e : saves.entrySet()) {
      Save s;
      try {
        s = Json.decode(e.getValue(), Save.class);
      } catch (CorruptStoreException ex) {
        problems.add("save " + e.getKey() + ": " + ex.getMessage());
        continue;
      }
      counted.merge(s.state(), 1L, Long::sum);
      if (!byState.contains(stateKey(s))) problems.add("save " + s.id() + " missing from the state index");
      if (s.state() == SaveState.QUEUED && !queue.contains(s.id())) problems.add("queued save " + s.id() + " is not on the queue");
      if (s.state() == SaveState.QUEUED && !order.contains(s)) problems.add("queued save " + s.id() + " is not in the admission order");
      if (s.htmlDigest() != null) named.merge(s.htmlDigest(), 1L, Long::sum);
      for (SaveResource r : s.resourceList()) named.merge(r.digest(), 1L, Long::sum);
    }
    for (SaveState st : SaveState.values()) {
      long want = counted.getOrDefault(st, 0L);
      if (counts.get(st).get() != want) problems.add(st.wire() + " count is " + counts.get(st).get() + ", records say " + want);
    }
    for (Long id : queue) if (!saves.containsKey(id)) problems.add("queue names missing save " + id);
    if (order.size() != queue.size()) problems.add("admission order has " + order.size() + " saves, the queue " + queue.size());
  }
}

package dev.pagekeep.store;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/**
 * The snapshots: captures (pages and their requisites) and the indexes that find them. Its own
 * collections in the archive's file; bodies and texts are {@link Blobs}, named by digest:
 * <pre>
 * captures      "urlKey/timestamp" -> Capture json (a URL's timeline: one key range per URL)
 * pagesByTime   "timestamp/urlKey" for every page (the pages cursor, newest first)
 * urls          urlKey -> url, for every URL with a capture
 * variants      "surt\0urlKey" for every entry of urls (every saved variant of an address)
 * variantsForm  the form of the variants keys ({@link #VARIANTS_FORM})
 * pageUrls      urlKey -> number of its pages (URLs with at least one page; walked by {@link RotLedger})
 * pageCount     number of pages            urlCount   number of entries of pageUrls
 * logicalBytes  sum of the captures' sizes (as fetched, before dedup and compression)
 * </pre>
 * Invariants, kept by {@link #put} and {@link #remove} inside the store's writes and checked by
 * {@link #verify}: a capture is filed under its id and has a URL entry; a URL entry (and its
 * variant) exists while the URL has a capture; every page is in pagesByTime and counted in
 * pageUrls, and nothing else is; each capture holds one reference to its body and text blobs.
 */
final class Snapshots {
  /** The form of the keys of {@code variants}: {@link UrlKeys#normalize}'s SURT. */
  private static final String VARIANTS_FORM = "surt-1";

  private final Blobs blobs;
  private final BTreeMap<String, byte[]> captures;
  private final NavigableSet<String> pagesByTime;
  private final BTreeMap<String, String> urls;
  private final NavigableSet<String> variants;
  private final BTreeMap<String, Long> pageUrls;
  private final Atomic.Long pageCount;
  private final Atomic.Long logicalBytes;
  private final Atomic.Long urlCount;
  /**
   * Ids of requisite captures the tree holds, as of the last write, seen lately (at most
   * {@link #RECENT}). Archiving a site, a page's requisites are mostly those the page before it
   * stored in the same second, shared; asking the tree deserialises a node per level, and that was
   * 40% of the store writer's CPU. Only the writer's thread touches it; a capture removed leaves it,
   * and a rollback empties it ({@link #rolledBack}), so it never names what the tree does not hold.
   */
  private final Set<String> recentRequisites = newRecentSet();
  static final int RECENT = 4096;

  private static Set<String> newRecentSet() {
    return java.util.Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > RECENT;
      }
    });
  }

  Snapshots(DB db, Blobs blobs) {
    this.blobs = blobs;
    captures = db.treeMap("captures", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
    pagesByTime = db.treeSet("pagesByTime", Serializer.STRING).createOrOpen();
    urls = db.treeMap("urls", Serializer.STRING, Serializer.STRING).createOrOpen();
    variants = db.treeSet("variants", Serializer.STRING).createOrOpen();
    pageUrls = db.treeMap("pageUrls", Serializer.STRING, Serializer.LONG).createOrOpen();
    pageCount = db.atomicLong("pageCount").createOrOpen();
    logicalBytes = db.atomicLong("logicalBytes").createOrOpen();
    boolean uncounted = !db.exists("urlCount");
    urlCount = db.atomicLong("urlCount").createOrOpen();
    if (uncounted) urlCount.set(pageUrls.sizeLong()); // a store from before the counter: count once
    Atomic.String variantsForm = db.atomicString("variantsForm").createOrOpen();
    if (!VARIANTS_FORM.equals(variantsForm.get())) { // a store from before the SURT form: rebuild once
      variants.clear();
      for (Map.Entry<String, String> e : urls.entrySet()) variants.add(variant(e.getValue(), e.getKey()));
      variantsForm.set(VARIANTS_FORM);
    }
  }

  private static String variant(String url, String urlKey) {
    return UrlKeys.normalize(url) + "\0" + urlKey;
  }

  // ---- writes (inside the store's writer) ----

  /** Inside a write: the requisites, then the page naming them, with {@code tags}. */
  Capture putPage(StoredCapture page, List<StoredCapture> requisites, List<String> tags) {
    List<String> resourceIds = new ArrayList<>();
    long logical = 0;
    for (StoredCapture r : requisites) {
      Capture stored = put(r, true);
      if (stored != null) {
        resourceIds.add(stored.id());
        logical += stored.size();
      }
    }
    Capture p = page.capture();
    Capture withResources = new Capture(p.urlKey(), p.url(), p.timestamp(), p.kind(), p.status(),
        p.contentType(), p.finalUrl(), p.headers(), p.digest(), p.size(), p.title(), p.textDigest(),
        resourceIds, p.source(), tags);
    Capture stored = put(new StoredCapture(withResources, page.body(), page.text()), false);
    // One update of the counter per page, not per capture: each is a record rewritten in the commit.
    logicalBytes.addAndGet(logical + stored.size());
    return stored;
  }

  /**
   * Inside a write: stores a capture and its blobs. Timestamps are unique per URL: a page captured
   * twice in one second gets the next free second. A requisite already captured at that second is
   * shared, not overwritten (returns null so the page does not claim it). The caller counts its
   * logical bytes.
   */
  private Capture put(StoredCapture sc, boolean requisite) {
    Capture c = sc.capture();
    String ts = c.timestamp();
    if (requisite && recentRequisites.contains(c.urlKey() + "/" + ts)) return null;
    while (captures.containsKey(c.urlKey() + "/" + ts)) {
      if (requisite) {
        recentRequisites.add(c.urlKey() + "/" + ts);
        return null;
      }
      ts = Timestamps.format(Timestamps.parse(ts).plusSeconds(1));
    }
    Capture stored = c.withTimestamp(ts);
    blobs.put(sc.body());
    if (sc.text() != null) blobs.put(sc.text());
    captures.put(stored.id(), Json.encode(stored));
    if (requisite) recentRequisites.add(stored.id());
    if (urls.putIfAbsent(stored.urlKey(), stored.url()) == null) variants.add(variant(stored.url(), stored.urlKey()));
    if (stored.isPage()) {
      pagesByTime.add(ts + "/" + stored.urlKey());
      if (pageUrls.merge(stored.urlKey(), 1L, Long::sum) == 1L) urlCount.incrementAndGet();
      pageCount.incrementAndGet();
    }
    return stored;
  }

  /** After a rollback: the writes that named recent requisites may be undone. */
  void rolledBack() {
    recentRequisites.clear();
  }

  /** Inside a write: deletes one page (with its requisites), or all of a URL's when timestamp is null. */
  int delete(String urlKey, String timestampOrNull) {
    List<Capture> targets = new ArrayList<>();
    if (timestampOrNull != null) {
      Capture c = get(urlKey + "/" + timestampOrNull);
      if (c != null && c.isPage()) targets.add(c);
    } else {
      targets.addAll(versions(urlKey));
    }
    for (Capture page : targets) {
      for (String rid : page.resources() == null ? List.<String>of() : page.resources()) {
        Capture r = get(rid);
        if (r != null) remove(r);
      }
      remove(page);
    }
    return targets.size();
  }

  private void remove(Capture c) {
    recentRequisites.remove(c.id());
    if (captures.remove(c.id()) == null) return;
    blobs.release(c.digest());
    if (c.textDigest() != null) blobs.release(c.textDigest());
    logicalBytes.addAndGet(-c.size());
    if (c.isPage()) {
      pagesByTime.remove(c.timestamp() + "/" + c.urlKey());
      pageCount.decrementAndGet();
      Long n = pageUrls.get(c.urlKey());
      if (n != null && n <= 1) {
        pageUrls.remove(c.urlKey());
        urlCount.decrementAndGet();
      } else if (n != null) {
        pageUrls.put(c.urlKey(), n - 1);
      }
    }
    String next = captures.ceilingKey(c.urlKey() + "/");
    if (next == null || !next.startsWith(c.urlKey() + "/")) { // the URL's last capture went
      String url = urls.remove(c.urlKey());
      if (url != null) variants.remove(variant(url, c.urlKey()));
    }
  }

  // ---- reads (inside the store's reads or writes) ----

  boolean contains(String id) {
    return captures.containsKey(id);
  }

  /** The capture filed under "urlKey/timestamp", or null. */
  Capture get(String id) {
    byte[] json = captures.get(id);
    return json == null ? null : Json.decode(json, Capture.class);
  }

  /** The capture of a URL closest in time to {@code timestamp} (any kind), or null. */
  Capture nearest(String urlKey, String timestamp) {
    String prefix = urlKey + "/";
    String key = prefix + timestamp;
    String below = captures.floorKey(key);
    String above = captures.ceilingKey(key);
    if (below != null && !below.startsWith(prefix)) below = null;
    if (above != null && !above.startsWith(prefix)) above = null;
    if (below == null && above == null) return null;
    String best;
    if (below == null) best = above;
    else if (above == null) best = below;
    else best = distance(below, timestamp) <= distance(above, timestamp) ? below : above;
    return get(best);
  }

  private static long distance(String key, String ts) {
    Instant a = Timestamps.parse(key.substring(key.indexOf('/') + 1));
    Instant b = Timestamps.parse(ts);
    return Math.abs(a.getEpochSecond() - b.getEpochSecond());
  }

  /** A URL's pages, oldest first. */
  List<Capture> versions(String urlKey) {
    List<Capture> out = new ArrayList<>();
    for (byte[] json : captures.subMap(urlKey + "/", urlKey + "0").values()) {
      Capture c = Json.decode(json, Capture.class);
      if (c.isPage()) out.add(c);
    }
    return out;
  }

  /** Pages, newest first, strictly older than the cursor ("timestamp/urlKey", or null). */
  List<Capture> pages(String cursor, int limit) {
    NavigableSet<String> view = cursor == null ? pagesByTime.descendingSet()
        : pagesByTime.headSet(cursor, false).descendingSet();
    List<Capture> out = new ArrayList<>();
    for (String key : view) {
      int slash = key.indexOf('/');
      Capture c = get(key.substring(slash + 1) + "/" + key.substring(0, slash));
      if (c != null) out.add(c);
      if (out.size() >= limit) break;
    }
    return out;
  }

  List<String> resolveKey(String prefix) {
    return new ArrayList<>(urls.subMap(prefix, prefix + "g").keySet());
  }

  List<String> keysForUrl(String url) {
    String norm = UrlKeys.normalize(url) + "\0";
    List<String> out = new ArrayList<>();
    for (String v : variants.subSet(norm, norm + "\uffff")) out.add(v.substring(norm.length()));
    return out;
  }

  String url(String urlKey) {
    return urls.get(urlKey);
  }

  long pageCount() {
    return pageCount.get();
  }

  long urlCount() {
    return urlCount.get();
  }

  long logicalBytes() {
    return logicalBytes.get();
  }

  /**
   * Inside a read: up to {@code limit} URLs that have a page, as (urlKey, url) in key order after
   * {@code afterKey} ("" or null: from the start). The walk {@link RotLedger} makes over the archive.
   */
  List<Map.Entry<String, String>> pagesAfter(String afterKey, int limit) {
    List<Map.Entry<String, String>> out = new ArrayList<>(Math.min(limit, 1024));
    var keys = afterKey == null || afterKey.isEmpty() ? pageUrls.keySet() : pageUrls.tailMap(afterKey, false).keySet();
    for (String key : keys) {
      String url = urls.get(key);
      if (url != null) out.add(Map.entry(key, url));
      if (out.size() >= limit) break;
    }
    return out;
  }

  /** Inside a read or write: whether {@code urlKey} still has a page snapshot. */
  boolean hasPage(String urlKey) {
    return pageUrls.containsKey(urlKey);
  }

  /**
   * Inside a read: problems with the captures and their indexes; adds each capture's references
   * to {@code named} and checks the blobs it names.
   */
  void verify(Map<String, Long> named, List<String> problems) {
    long pages = 0;
    long logical = 0;
    for (Map.Entry<String, byte[]> e : captures.entrySet()) {
      Capture c;
      try {
        c = Json.decode(e.getValue(), Capture.class);
      } catch (CorruptStoreException ex) {
        problems.add("capture " + e.getKey() + ": " + ex.getMessage());
        continue;
      }
      logical += c.size();
      if (!c.id().equals(e.getKey())) problems.add("capture " + e.getKey() + " is filed under the wrong key");
      if (!urls.containsKey(c.urlKey())) problems.add("capture " + c.id() + " has no URL entry");
      named.merge(c.digest(), 1L, Long::sum);
      blobs.check(c.digest(), "body of " + c.id(), problems);
      if (c.textDigest() != null) {
        named.merge(c.textDigest(), 1L, Long::sum);
        blobs.check(c.textDigest(), "text of " + c.id(), problems);
      }
      if (c.isPage()) {
        pages++;
        if (!pagesByTime.contains(c.timestamp() + "/" + c.urlKey())) problems.add("page " + c.id() + " missing from the time index");
      }
    }
    for (String key : pagesByTime) {
      int slash = key.indexOf('/');
      if (!captures.containsKey(key.substring(slash + 1) + "/" + key.substring(0, slash))) problems.add("time index names missing page " + key);
    }
    if (pageCount.get() != pages) problems.add("page count is " + pageCount.get() + ", records say " + pages);
    if (urlCount.get() != pageUrls.sizeLong()) problems.add("URL count is " + urlCount.get() + ", records say " + pageUrls.sizeLong());
    if (logicalBytes.get() != logical) problems.add("logical bytes " + logicalBytes.get() + ", records say " + logical);
  }
}

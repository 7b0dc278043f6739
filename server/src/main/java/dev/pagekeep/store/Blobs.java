package dev.pagekeep.store;

import java.util.List;
import java.util.Map;
import org.mapdb.Atomic;
import org.mapdb.DB;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * Bodies, content-addressed: a body is stored once however many captures and saves name it, and
 * goes when the last one lets go of it. Its own collections in the archive's file:
 * <pre>
 * blobs         digest -> stored bytes ({@link Blob#stored()}: compressed or not)
 * blobRefs      digest -> how many records name it (captures' bodies and texts, saves' DOMs and resources)
 * storedBytes   sum of the stored bytes of every blob
 * blobCount     number of blobs (MapDB's size() walks the whole map; stats are asked for often)
 * </pre>
 * Invariants, kept by {@link #put} and {@link #release} (called inside the store's writes, so in
 * the same commit as the record that names the blob) and checked by {@link #verify}: a digest is
 * in {@code blobs} exactly when it is in {@code blobRefs}, with a count equal to the number of
 * records naming it; the two counters agree with the map.
 */
final class Blobs {
  private final HTreeMap<String, byte[]> blobs;
  private final HTreeMap<String, Long> refs;
  private final Atomic.Long storedBytes;
  private final Atomic.Long count;

  Blobs(DB db) {
    blobs = db.hashMap("blobs", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
    refs = db.hashMap("blobRefs", Serializer.STRING, Serializer.LONG).createOrOpen();
    storedBytes = db.atomicLong("storedBytes").createOrOpen();
    boolean uncounted = !db.exists("blobCount");
    count = db.atomicLong("blobCount").createOrOpen();
    if (uncounted) count.set(refs.sizeLong()); // a store from before the counter: count once
  }

  /** Inside a write: one more record names this blob (stored now if it is new). */
  void put(Blob blob) {
    Long n = refs.get(blob.digest());
    if (n == null) {
      blobs.put(blob.digest(), blob.stored());
      storedBytes.addAndGet(blob.stored().length);
      refs.put(blob.digest(), 1L);
      count.incrementAndGet();
    } else {
      refs.put(blob.digest(), n + 1);
    }
  }

  /** Inside a write: one record fewer names this blob (removed with the last one). */
  void release(String digest) {
    Long n = refs.get(digest);
    if (n == null) return;
    if (n <= 1) {
      byte[] stored = blobs.remove(digest);
      if (stored != null) storedBytes.addAndGet(-stored.length);
      refs.remove(digest);
      count.decrementAndGet();
    } else {
      refs.put(digest, n - 1);
    }
  }

  /** Inside a read: the blob's bytes as stored (decode with {@link Blob#decode}), or null. */
  byte[] stored(String digest) {
    return blobs.get(digest);
  }

  long storedBytes() {
    return storedBytes.get();
  }

  long count() {
    return count.get();
  }

  /** Inside a read: problems with the blob {@code what} names (missing, undecodable, wrong digest). */
  void check(String digest, String what, List<String> problems) {
    byte[] stored = blobs.get(digest);
    if (stored == null) {
      problems.add(what + ": blob " + digest + " is missing");
      return;
    }
    try {
      if (!Blob.sha256(Blob.decode(stored)).equals(digest)) problems.add(what + ": blob " + digest + " does not match its digest");
    } catch (CorruptStoreException e) {
      problems.add(what + ": blob " + digest + " " + e.getMessage());
    }
  }

  /** Inside a read: problems with the counts, given how many records name each digest. */
  void verify(Map<String, Long> named, List<String> problems) {
    if (count.get() != refs.sizeLong()) problems.add("blob count is " + count.get() + ", records say " + refs.sizeLong());
    for (Map.Entry<String, Long> e : refs.entrySet()) {
      long want = named.getOrDefault(e.getKey(), 0L);
      if (want != e.getValue()) problems.add("blob " + e.getKey() + " has " + e.getValue() + " references, records say " + want);
    }
  }
}

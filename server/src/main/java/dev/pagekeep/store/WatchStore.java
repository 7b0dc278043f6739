package dev.pagekeep.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.model.RecaptureCheck;
import dev.pagekeep.model.Watch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/**
 * The watches and what their checks found, in collections of their own inside the archive's
 * MapDB file (so they survive restarts and commit with the same writer). Owns its invariants:
 * a watch's seen entries go with it, and a check is recorded only for a watch that still exists.
 *
 * <pre>
 * watches          id -> Watch json
 * watchSeen        "id/sha" : entries and links a watch has already queued
 * recaptureChecks  "urlKey/millis" -> RecaptureCheck json (a URL's timeline of checks)
 * recaptureChanges "millis/urlKey" : the changed ones, for "changed since you saved it"
 * </pre>
 */
public final class WatchStore {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final StoreWriter writer;
  private final BTreeMap<Long, byte[]> watches;
  private final Atomic.Long nextId;
  private final java.util.NavigableSet<String> seen;
  private final BTreeMap<String, byte[]> checks;
  private final java.util.NavigableSet<String> changes;

  WatchStore(DB db, StoreWriter writer) {
    this.writer = writer;
    this.watches = db.treeMap("watches", Serializer.LONG, Serializer.BYTE_ARRAY).createOrOpen();
    this.nextId = db.atomicLong("watchNextId").createOrOpen();
    this.seen = db.treeSet("watchSeen", Serializer.STRING).createOrOpen();
    this.checks = db.treeMap("recaptureChecks", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
    this.changes = db.treeSet("recaptureChanges", Serializer.STRING).createOrOpen();
    writer.write(() -> null); // commits the new collections
  }

  /** What {@link #add} did: a new watch, or the one that already watches this URL the same way. */
  public record Added(Watch watch, boolean existing) {}

  /** Adds a watch, due at once; a URL already watched the same way (recapture or not) returns that watch. */
  public Added add(String url, long everySeconds, boolean links, boolean recapture, long now) {
    return writer.write(() -> {
      for (byte[] json : watches.values()) {
        Watch w = read(json);
        if (w.url().equals(url) && w.recapture() == recapture) return new Added(w, true);
      }
      long id = nextId.incrementAndGet();
      Watch w = new Watch(id, url, everySeconds, links, recapture, now, 0, now, null, null, null, null, null,
          List.of(), 0, 0, null);
      watches.put(id, toJson(w));
      return new Added(w, false);
    });
  }

  public Optional<Watch> get(long id) {
    return writer.read(() -> Optional.ofNullable(watches.get(id)).map(WatchStore::read));
  }

  /** Every watch, oldest first. */
  public List<Watch> all() {
    return writer.read(() -> {
      List<Watch> out = new ArrayList<>();
      for (byte[] json : watches.values()) out.add(read(json));
      return out;
    });
  }

  /** Watches whose next check is at or before {@code now}. */
  public List<Watch> due(long now) {
    return all().stream().filter(w -> w.nextCheck() <= now).toList();
  }

  /** Removes a watch and what it has seen; the snapshots it queued stay. */
  public boolean remove(long id) {
    return writer.write(() -> {
      if (watches.remove(id) == null) return false;
      seen.subSet(prefix(id), prefix(id) + "\uffff").clear();
      return true;
    });
  }

  /** The keys (entry ids, links) that this watch has not seen yet, in the order given, without repeats. */
  public List<String> unseen(long id, Collection<String> keys) {
    return writer.read(() -> {
      List<String> out = new ArrayList<>();
      for (String k : new LinkedHashSet<>(keys)) if (!seen.contains(prefix(id) + digest(k))) out.add(k);
      return out;
    });
  }

  /**
   * Records a check in one commit: the watch as it now is and the keys it has now seen. Nothing is
   * written when the watch was removed meanwhile (empty then).
   */
  public Optional<Watch> recordCheck(Watch updated, Set<String> nowSeen) {
    return writer.write(() -> {
      if (!watches.containsKey(updated.id())) return Optional.<Watch>empty();
      watches.put(updated.id(), toJson(updated));
      for (String k : nowSeen) seen.add(prefix(updated.id()) + digest(k));
      return Optional.of(updated);
    });
  }

  /** Records a re-capture's outcome on the URL's timeline (and in the changes list when it changed). */
  public void recordRecapture(RecaptureCheck check) {
    writer.write(() -> {
      String at = String.format("%015d", check.at());
      checks.put(check.urlKey() + "/" + at, toJson(check));
      if (check.changed()) changes.add(at + "/" + check.urlKey());
      return null;
    });
  }

  /** A URL's re-capture checks, oldest first. */
  public List<RecaptureCheck> checks(String urlKey) {
    return writer.read(() -> {
      List<RecaptureCheck> out = new ArrayList<>();
      for (byte[] json : checks.subMap(urlKey + "/", urlKey + "0").values()) out.add(readCheck(json));
      return out;
    });
  }

  /** Re-captures that found a change, newest first. */
  public List<RecaptureCheck> changes(int limit) {
    return writer.read(() -> {
      List<RecaptureCheck> out = new ArrayList<>();
      for (String k : changes.descendingSet()) {
        int slash = k.indexOf('/');
        byte[] json = checks.get(k.substring(slash + 1) + "/" + k.substring(0, slash));
        if (json != null) out.add(readCheck(json));
        if (out.size() >= limit) break;
      }
      return out;
    });
  }

  private static String prefix(long id) {
    return String.format("%019d/", id);
  }

  private static String digest(String key) {
    return Blob.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  private static Watch read(byte[] json) {
    try {
      return JSON.readValue(json, Watch.class);
    } catch (IOException e) {
      throw new CorruptStoreException("unreadable Watch record: " + e.getMessage());
    }
  }

  private static RecaptureCheck readCheck(byte[] json) {
    try {
      return JSON.readValue(json, RecaptureCheck.class);
    } catch (IOException e) {
      throw new CorruptStoreException("unreadable RecaptureCheck record: " + e.getMessage());
    }
  }

  private static byte[] toJson(Object o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new StoreException("cannot encode " + o.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}

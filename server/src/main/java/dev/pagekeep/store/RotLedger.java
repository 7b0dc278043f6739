package dev.pagekeep.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/**
 * What pagekeep knows about link rot: which archived URLs are gone on the live web, since when,
 * and where the slow check over the whole archive stands. Its own collections in the archive's
 * file, written through the store's one writer (so a batch of results is one commit):
 * <pre>
 * rot.gone       urlKey -> Gone json (only URLs whose live page is gone)
 * rot.cursor     the last urlKey of the pass under way ("" between passes)
 * rot.passEnded  epoch millis when the last full pass ended (0: never)
 * </pre>
 * A URL is walked through {@link Snapshots#pagesAfter} (urlKey order; the ledger never touches its collections), a page at a time,
 * never all at once. A gone mark whose URL no longer has a snapshot is dropped when next met.
 */
public final class RotLedger {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** A URL whose live page is gone: why, since when (first seen gone) and when it was last checked. */
  public record Gone(String urlKey, String url, String reason, int status, Instant since, Instant lastChecked) {}

  /** An archived URL to check. */
  public record Target(String urlKey, String url) {}

  /** One check's outcome: GONE marks it (keeping the first "since"), ALIVE unmarks it, UNKNOWN changes nothing. */
  public enum Verdict { GONE, ALIVE, UNKNOWN }

  public record Result(Target target, Verdict verdict, String reason, int status, Instant at) {}

  private final StoreWriter writer;
  private final BTreeMap<String, byte[]> gone;
  private final Snapshots snapshots;
  private final Atomic.String cursor;
  private final Atomic.Long passEnded;
  /** False while no URL is marked gone; once true, stays true until the store is opened again. */
  private volatile boolean anyGone;

  RotLedger(DB db, StoreWriter writer, Snapshots snapshots) {
    this.writer = writer;
    this.snapshots = snapshots;
    this.gone = db.treeMap("rot.gone", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
    this.cursor = db.atomicString("rot.cursor").createOrOpen();
    this.passEnded = db.atomicLong("rot.passEnded").createOrOpen();
    this.anyGone = !gone.isEmpty();
  }

  /** Up to {@code limit} archived URLs whose key comes after {@code afterKey} ("" or null: from the start). */
  public List<Target> after(String afterKey, int limit) {
    return writer.read(() -> {
      List<Target> out = new ArrayList<>(Math.min(limit, 1024));
      for (var e : snapshots.pagesAfter(afterKey, limit)) out.add(new Target(e.getKey(), e.getValue()));
      return out;
    });
  }

  /** Where the pass under way stands ("" when none is). */
  public String cursor() {
    return writer.read(() -> {
      String c = cursor.get();
      return c == null ? "" : c;
    });
  }

  /** When the last full pass ended, or null. */
  public Instant passEnded() {
    long ms = writer.read(passEnded::get);
    return ms == 0 ? null : Instant.ofEpochMilli(ms);
  }

  /**
   * Records results and moves the pass's cursor, in one commit. {@code newCursor} null leaves the
   * cursor alone; {@code ""} with {@code endedAt} ends the pass.
   */
  public void record(List<Result> results, String newCursor, Instant endedAt) {
    writer.write(256L * results.size() + 1024, () -> {
      for (Result r : results) apply(r);
      if (newCursor != null) cursor.set(newCursor);
      if (endedAt != null) passEnded.set(endedAt.toEpochMilli());
      return null;
    });
  }

  private void apply(Result r) {
    String key = r.target().urlKey();
    if (!snapshots.hasPage(key)) { // deleted meanwhile
      gone.remove(key);
      return;
    }
    switch (r.verdict()) {
      case ALIVE -> gone.remove(key);
      case GONE -> {
        anyGone = true;
        byte[] old = gone.get(key);
        Instant since = old == null ? r.at() : read(old).since();
        gone.put(key, write(new Gone(key, r.target().url(), r.reason(), r.status(), since, r.at())));
      }
      case UNKNOWN -> { } // a timeout or a 503 says nothing either way
    }
  }

  public Optional<Gone> gone(String urlKey) {
    byte[] json = writer.read(() -> gone.get(urlKey));
    return json == null ? Optional.empty() : Optional.of(read(json));
  }

  /**
   * Whether this URL is marked gone, answered at once (without a read, which would wait for the
   * commit under way) while no URL has been marked gone since the store was opened: the common
   * case, asked once per captured page.
   */
  public boolean mayBeGone(String urlKey) {
    return anyGone && gone(urlKey).isPresent();
  }

  /** Gone URLs in key order after {@code afterKey}, for listings. */
  public List<Gone> goneAfter(String afterKey, int limit) {
    return writer.read(() -> {
      List<Gone> out = new ArrayList<>();
      var view = afterKey == null || afterKey.isEmpty() ? gone.entrySet() : gone.tailMap(afterKey, false).entrySet();
      for (Map.Entry<String, byte[]> e : view) {
        out.add(read(e.getValue()));
        if (out.size() >= limit) break;
      }
      return out;
    });
  }

  /** The keys of every gone URL: the {@code is:gone} search filter (as many as there are gone URLs, not archived ones). */
  public Set<String> goneKeys() {
    return writer.read(() -> new HashSet<>(gone.keySet()));
  }

  public long goneCount() {
    return writer.read(gone::sizeLong);
  }

  private static byte[] write(Gone g) {
    try {
      return JSON.writeValueAsBytes(Map.of("urlKey", g.urlKey(), "url", g.url(), "reason", g.reason(),
          "status", g.status(), "since", g.since().toEpochMilli(), "lastChecked", g.lastChecked().toEpochMilli()));
    } catch (IOException e) {
      throw new StoreException("cannot encode a gone record: " + e.getMessage(), e);
    }
  }

  private static Gone read(byte[] json) {
    try {
      var n = JSON.readTree(json);
      return new Gone(n.path("urlKey").asText(), n.path("url").asText(), n.path("reason").asText(), n.path("status").asInt(),
          Instant.ofEpochMilli(n.path("since").asLong()), Instant.ofEpochMilli(n.path("lastChecked").asLong()));
    } catch (IOException e) {
      throw new CorruptStoreException("unreadable gone record: " + e.getMessage());
    }
  }
}

package dev.pagekeep.store;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.model.UrlKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.mapdb.DB;
import org.mapdb.DBMaker;

/**
 * The archive in one MapDB file, with transactions (write-ahead log) and memory-mapped I/O.
 * Measured here: with FileChannel I/O, SIGKILL during ingest lost acknowledged saves (CrashSafetyIT
 * failed); with mmap, 15 of 15 kills lost nothing. mmap turns a full disk into SIGBUS, which is why
 * {@link StoreWriter} refuses writes while free space is under its reserve.
 * Records are JSON ({@link Json}); bodies are content-addressed blobs, stored once however many
 * captures share them.
 *
 * <p>This class is the composition and the transactions; the data lives in owned parts, each
 * with its own collections, the invariants between them, and its part of {@link #verify}:
 * <pre>
 * {@link SaveQueue}   saves, their states and counts, the queue and its admission order ({@link SaveOrder})
 * {@link Snapshots}   captures, a URL's timeline, the pages cursor, URLs and their SURT variants
 * {@link Blobs}       content-addressed bodies with their reference counts
 * {@link WatchStore}, {@link RotLedger}   watches and link rot
 * </pre>
 * All keys are strings or longs, so the file needs no class registry. Commits belong to
 * {@link StoreWriter}: every method here that changes parts does it inside one
 * {@code writer.write}, so a change that spans parts (a capture stored and its save marked done; a
 * save deleted and its blobs released) is one commit, all or nothing.
 */
public final class MapDbArchiveStore implements ArchiveStore {
  private final DB db;
  private final StoreWriter writer;
  private final Blobs blobs;
  private final Snapshots snapshots;
  private final SaveQueue queue;
  private final WatchStore watches;
  private final RotLedger rot;

  private MapDbArchiveStore(DB db, Path dirOrNull, StoreWriter.Upkeep upkeep) {
    this.db = db;
    blobs = new Blobs(db);
    snapshots = new Snapshots(db, blobs);
    queue = new SaveQueue(db, blobs);
    db.commit(); // the parts' new collections and one-time migrations
    writer = new StoreWriter(db, dirOrNull, upkeep, snapshots::rolledBack);
    watches = new WatchStore(db, writer);
    rot = new RotLedger(db, writer, snapshots);
    db.commit();
  }

  /** The watches (feeds and pages followed, re-captures), kept in this file by a class of their own. */
  public WatchStore watches() { return watches; }

  /** Opens (or creates) the store file. Fails with a one-line reason when the file is locked or damaged. */
  public static MapDbArchiveStore open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JournaledVolume.Factory volumes = JournaledVolume.factory(file);
      DB db = StoreOptions.ARCHIVE.open(file, volumes);
      return new MapDbArchiveStore(db, file.toAbsolutePath().getParent(), volumes);
    } catch (IOException e) {
      throw new StoreException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new StoreException("cannot open the archive " + file + ": " + e.getMessage(), e);
    }
  }

  /** An in-memory store with the same code paths, for unit tests. */
  public static MapDbArchiveStore inMemory() {
    return new MapDbArchiveStore(DBMaker.memoryDB().transactionEnable().make(), null, StoreWriter.Upkeep.NONE);
  }

  // ---------------------------------------------------------------- saves

  @Override
  public List<Enqueued> enqueue(List<NewSave> newSaves) {
    List<SaveQueue.Prepared> prepared = new ArrayList<>(newSaves.size());
    long bytes = 0;
    for (NewSave n : newSaves) {
      SaveQueue.Prepared p = SaveQueue.Prepared.of(n); // a bad URL throws here: nothing is queued
      prepared.add(p);
      bytes += p.bytes();
    }
    return writer.write(bytes, () -> {
      List<Enqueued> out = new ArrayList<>(prepared.size());
      long now = System.currentTimeMillis();
      for (SaveQueue.Prepared p : prepared) out.add(queue.enqueue(p, now));
      return out;
    });
  }

  @Override
  public Optional<Save> save(long id) {
    return writer.read(() -> Optional.ofNullable(queue.get(id)));
  }

  @Override
  public List<Save> saves(SaveState state, long beforeId, int limit) {
    return writer.read(() -> queue.inState(state, beforeId, limit));
  }

  @Override
  public List<Save> queued(long afterId, int limit) {
    return writer.read(() -> queue.queued(afterId, limit));
  }

  @Override
  public List<SaveOrder.Entry> queuedInOrder(long afterKey, int limit) {
    return writer.read(() -> queue.inOrder(afterKey, limit));
  }

  @Override
  public Capture finish(Save save, int attempts, StoredCapture page, List<StoredCapture> requisites) {
    long bytes = storedSize(page);
    for (StoredCapture r : requisites) bytes += storedSize(r);
    return writer.write(bytes, () -> {
      Capture stored = snapshots.putPage(page, requisites, save.tags() == null || save.tags().isEmpty() ? null : save.tags());
      queue.leave(save.id(), current -> current.done(stored.timestamp(), attempts, System.currentTimeMillis()));
      return stored;
    });
  }

  @Override
  public Optional<Capture> putSnapshot(StoredCapture page, List<StoredCapture> requisites) {
    long bytes = storedSize(page);
    for (StoredCapture r : requisites) bytes += storedSize(r);
    return writer.write(bytes, () -> {
      if (snapshots.contains(page.capture().id())) return Optional.<Capture>empty();
      return Optional.of(snapshots.putPage(page, requisites, page.capture().tags()));
    });
  }

  @Override
  public Save fail(Save save, int attempts, String reason) {
    return leaveQueue(save, s -> s.failed(reason, attempts, System.currentTimeMillis()));
  }

  @Override
  public Save needsBrowser(Save save, int attempts, String reason) {
    return leaveQueue(save, s -> s.needsBrowser(reason, attempts, System.currentTimeMillis()));
  }

  /** A save leaves the queue in the state {@code next} gives it, without a snapshot (in one commit). */
  private Save leaveQueue(Save save, UnaryOperator<Save> next) {
    return writer.write(() -> {
      Save ended = queue.leave(save.id(), next);
      return ended != null ? ended : next.apply(save);
    });
  }

  @Override
  public Save browserCaptured(long id, NewSave dom) {
    if (dom.html() == null) throw new IllegalArgumentException("a browser capture needs the page's HTML");
    String urlKey = UrlKeys.urlKey(UrlKeys.validate(dom.url()));
    // Checked before the write, so a refused capture never costs a rollback of the shared commit.
    Save before = save(id).orElseThrow(() -> new IllegalStateException("no save " + id));
    if (!before.urlKey().equals(urlKey)) {
      throw new IllegalArgumentException("save " + id + " is for " + before.url() + ", not " + dom.url());
    }
    if (before.state() != SaveState.NEEDS_BROWSER) {
      throw new IllegalStateException("save " + id + " is " + before.state().wire() + ", not needs-browser");
    }
    SaveQueue.Prepared prepared = SaveQueue.Prepared.of(dom);
    return writer.write(prepared.bytes(), () -> queue.browserCaptured(id, prepared, System.currentTimeMillis()));
  }

  @Override
  public Save retry(long id) {
    return writer.write(() -> queue.retry(id, System.currentTimeMillis()));
  }

  @Override
  public boolean deleteSave(long id) {
    return writer.write(() -> queue.delete(id));
  }

  // ---------------------------------------------------------------- snapshots

  @Override
  public Optional<Capture> capture(String urlKey, String timestamp) {
    return writer.read(() -> Optional.ofNullable(snapshots.get(urlKey + "/" + timestamp)));
  }

  @Override
  public Optional<Capture> nearest(String urlKey, String timestamp) {
    return writer.read(() -> Optional.ofNullable(snapshots.nearest(urlKey, timestamp)));
  }

  @Override
  public List<Capture> versions(String urlKey) {
    return writer.read(() -> snapshots.versions(urlKey));
  }

  @Override
  public List<Capture> pages(String cursor, int limit) {
    return writer.read(() -> snapshots.pages(cursor, limit));
  }

  @Override
  public List<String> resolveKey(String prefix) {
    return writer.read(() -> snapshots.resolveKey(prefix));
  }

  @Override
  public List<String> keysForUrl(String url) {
    return writer.read(() -> snapshots.keysForUrl(url));
  }

  @Override
  public Optional<String> url(String urlKey) {
    return writer.read(() -> Optional.ofNullable(snapshots.url(urlKey)));
  }

  @Override
  public Optional<byte[]> blob(String digest) {
    byte[] stored = writer.read(() -> blobs.stored(digest));
    return stored == null ? Optional.empty() : Optional.of(Blob.decode(stored));
  }

  @Override
  public int deleteSnapshots(String urlKey, String timestampOrNull) {
    return writer.write(() -> snapshots.delete(urlKey, timestampOrNull));
  }

  /**
   * Checks that every index agrees with the records it indexes and that every blob a capture
   * names is there, decodes, and has the digest it is filed under. Returns one line per problem
   * (empty: the store is sound). Reads everything: for {@code pagekeep verify}, not for serving.
   */
  public List<String> verify() {
    return writer.read(() -> {
      List<String> problems = new ArrayList<>();
      Map<String, Long> named = new HashMap<>(); // digest -> records naming it, as the parts find them
      queue.verify(named, problems);
      snapshots.verify(named, problems);
      blobs.verify(named, problems);
      return problems;
    });
  }

  @Override
  public RotLedger rot() {
    return rot;
  }

  @Override
  public Stats stats() {
    return writer.read(() -> new Stats(snapshots.pageCount(), snapshots.urlCount(),
        queue.count(SaveState.QUEUED), queue.count(SaveState.FETCHING),
        queue.count(SaveState.DONE), queue.count(SaveState.FAILED),
        snapshots.logicalBytes(), blobs.storedBytes(), blobs.count(), queue.count(SaveState.NEEDS_BROWSER)));
  }

  @Override
  public void close() {
    writer.close();
    if (!db.isClosed()) db.close();
  }

  // ---------------------------------------------------------------- helpers

  private static long storedSize(StoredCapture c) {
    return 2048 + c.body().stored().length + (c.text() == null ? 0 : c.text().stored().length);
  }
}

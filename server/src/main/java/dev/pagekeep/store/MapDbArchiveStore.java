package dev.pagekeep.store;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveResource;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.model.UrlKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.CC;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.mapdb.StoreWAL;
import org.mapdb.volume.VolumeFactory;

/**
 * The archive in one MapDB file, with transactions (write-ahead log) and memory-mapped I/O.
 * Measured here: with FileChannel I/O, SIGKILL during ingest lost acknowledged saves (CrashSafetyIT
 * failed); with mmap, 15 of 15 kills lost nothing. mmap turns a full disk into SIGBUS, which is why
 * {@link StoreWriter} refuses writes while free space is under its reserve.
 * Records are JSON (explicit, readable by {@code pagekeep verify}, tolerant of new fields);
 * bodies are content-addressed blobs, stored once however many captures share them.
 * Commits belong to {@link StoreWriter}: one per write, shared by concurrent writes.
 *
 * <p>Collections (all keys are strings or longs, so the file needs no class registry):
 * <pre>
 * saves         id -> Save json                  queue       ids of queued saves, in order
 * queuedByUrl   urlKey -> id (queued/fetching)   savesByState "state/id" for listings
 * captures, pagesByTime, urls, variants, pageUrls: {@link Snapshots}
 * blobs, blobRefs: {@link Blobs}
 * queueOrder    (priority, id) -> host: the queue in admission order ({@link SaveOrder})
 * </pre>
 */
public final class MapDbArchiveStore implements ArchiveStore {
  private final DB db;
  private final StoreWriter writer;
  private final BTreeMap<Long, byte[]> saves;
  private final NavigableSet<Long> queue;
  private final HTreeMap<String, Long> queuedByUrl;
  private final NavigableSet<String> savesByState;
  private final Snapshots snapshots;
  private final Blobs blobs;
  private final Atomic.Long nextSaveId;
  private final Map<SaveState, Atomic.Long> stateCounts = new EnumMap<>(SaveState.class);
  private final SaveOrder order;
  private final WatchStore watches;
  private final RotLedger rot;

  private MapDbArchiveStore(DB db, Path dirOrNull) {
    this.db = db;
    saves = db.treeMap("saves", Serializer.LONG, Serializer.BYTE_ARRAY).createOrOpen();
    queue = db.treeSet("queue", Serializer.LONG).createOrOpen();
    queuedByUrl = db.hashMap("queuedByUrl", Serializer.STRING, Serializer.LONG).createOrOpen();
    savesByState = db.treeSet("savesByState", Serializer.STRING).createOrOpen();
    blobs = new Blobs(db);
    snapshots = new Snapshots(db, blobs);
    nextSaveId = db.atomicLong("nextSaveId").createOrOpen();
    for (SaveState s : SaveState.values()) {
      stateCounts.put(s, db.atomicLong("count." + s.wire()).createOrOpen());
    }
    order = new SaveOrder(db, queue, this::readSave);
    db.commit();
    writer = new StoreWriter(db, dirOrNull);
    watches = new WatchStore(db, writer);
    rot = new RotLedger(db, writer, snapshots.pageUrls(), snapshots.urls());
    db.commit();
  }

  /** The watches (feeds and pages followed, re-captures), kept in this file by a class of their own. */
  public WatchStore watches() { return watches; }

  /** Opens (or creates) the store file. Fails with a one-line reason when the file is locked or damaged. */
  public static MapDbArchiveStore open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      // What DBMaker.fileDB(file).transactionEnable().fileMmapEnable().fileMmapPreclearDisable().make()
      // builds, with the store file's volume journaled so that a commit is all or nothing.
      VolumeFactory volumes = JournaledVolume.factory(file);
      boolean exists = volumes.exists(file.toString());
      StoreWAL wal = StoreWAL.make(file.toString(), volumes, 0L, true, CC.STORE_DIRECT_CONC_SHIFT, 0L, 0L,
          false, false, false, true, false);
      DB db = new DB(wal, exists, true, MapDbArchiveStore.class.getClassLoader(), 0);
      return new MapDbArchiveStore(db, file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new StoreException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new StoreException("cannot open the archive " + file + ": " + e.getMessage(), e);
    }
  }

  /** An in-memory store with the same code paths, for unit tests. */
  public static MapDbArchiveStore inMemory() {
    return new MapDbArchiveStore(DBMaker.memoryDB().transactionEnable().make(), null);
  }

  // ---------------------------------------------------------------- queue

  @Override
  public List<Enqueued> enqueue(List<NewSave> newSaves) {
    List<PreparedSave> prepared = new ArrayList<>(newSaves.size());
    for (NewSave n : newSaves) {
      String url = UrlKeys.validate(n.url());
      List<Blob> bodies = new ArrayList<>();
      if (n.resources() != null) for (NewResource r : n.resources()) bodies.add(Blob.of(r.body()));
      prepared.add(new PreparedSave(n, url, UrlKeys.urlKey(url), n.html() == null ? null : Blob.of(n.html()), bodies));
    }
    long bytes = 1024L * prepared.size();
    for (PreparedSave p : prepared) {
      if (p.html != null) bytes += p.html.stored().length;
      for (Blob b : p.resourceBodies) bytes += b.stored().length + 512;
    }
    return writer.write(bytes, () -> {
      List<Enqueued> out = new ArrayList<>(prepared.size());
      long now = System.currentTimeMillis();
      for (PreparedSave p : prepared) {
        Long existing = queuedByUrl.get(p.urlKey);
        if (existing != null) {
          Save s = readSave(existing);
          if (s != null) {
            out.add(new Enqueued(s, true));
            continue;
          }
        }
        long id = nextSaveId.incrementAndGet();
        String htmlDigest = null;
        if (p.html != null) {
          blobs.put(p.html);
          htmlDigest = p.html.digest();
        }
        List<SaveResource> resources = putResources(p.n.resources(), p.resourceBodies);
        Save s = new Save(id, p.url, p.urlKey, SaveState.QUEUED, 0, null,
            p.n.source() == null ? "api" : p.n.source(), p.n.title(), htmlDigest, null, now, now, p.n.tags(),
            p.n.httpStatus(), resources);
        writeSave(s, null);
        queue.add(id);
        order.add(s);
        queuedByUrl.put(p.urlKey, id);
        out.add(new Enqueued(s, false));
      }
      return out;
    });
  }

  /** Stores the browser's requisite bodies (compressed beforehand, off the writer); null when there are none. */
  private List<SaveResource> putResources(List<NewResource> given, List<Blob> bodies) {
    if (bodies.isEmpty()) return null;
    List<SaveResource> out = new ArrayList<>(bodies.size());
    for (int i = 0; i < bodies.size(); i++) {
      NewResource r = given.get(i);
      Blob body = bodies.get(i);
      blobs.put(body);
      out.add(new SaveResource(UrlKeys.stripFragment(r.url()), r.contentType(), r.status(), body.digest(), body.size()));
    }
    return out;
  }

  private record PreparedSave(NewSave n, String url, String urlKey, Blob html, List<Blob> resourceBodies) {}

  @Override
  public Optional<Save> save(long id) {
    return writer.read(() -> Optional.ofNullable(readSave(id)));
  }

  @Override
  public List<Save> saves(SaveState state, long beforeId, int limit) {
    return writer.read(() -> {
      String prefix = state.wire() + "/";
      String upper = prefix + pad(beforeId == Long.MAX_VALUE ? beforeId : beforeId);
      List<Save> out = new ArrayList<>();
      for (String key : savesByState.subSet(prefix, true, upper, false).descendingSet()) {
        Save s = readSave(Long.parseLong(key.substring(prefix.length())));
        if (s != null) out.add(s);
        if (out.size() >= limit) break;
      }
      return out;
    });
  }

  @Override
  public List<Save> queued(long afterId, int limit) {
    return writer.read(() -> {
      List<Save> out = new ArrayList<>();
      for (Long id : queue.tailSet(afterId, false)) {
        Save s = readSave(id);
        if (s != null && s.state() == SaveState.QUEUED) out.add(s);
        if (out.size() >= limit) break;
      }
      return out;
    });
  }

  @Override
  public List<SaveOrder.Entry> queuedInOrder(long afterKey, int limit) {
    return writer.read(() -> order.after(afterKey, limit));
  }

  @Override
  public Capture finish(Save save, int attempts, StoredCapture page, List<StoredCapture> requisites) {
    long bytes = storedSize(page);
    for (StoredCapture r : requisites) bytes += storedSize(r);
    return writer.write(bytes, () -> {
      Capture stored = snapshots.putPage(page, requisites, save.tags() == null || save.tags().isEmpty() ? null : save.tags());
      Save current = readSave(save.id());
      if (current != null) {
        writeSave(current.done(stored.timestamp(), attempts, System.currentTimeMillis()), current);
        dequeue(current);
      }
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
  private Save leaveQueue(Save save, java.util.function.UnaryOperator<Save> next) {
    return writer.write(() -> {
      Save current = readSave(save.id());
      if (current == null) return next.apply(save);
      Save ended = next.apply(current);
      writeSave(ended, current);
      dequeue(current);
      return ended;
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
    Blob html = Blob.of(dom.html());
    List<Blob> bodies = new ArrayList<>();
    if (dom.resources() != null) for (NewResource r : dom.resources()) bodies.add(Blob.of(r.body()));
    long bytes = 1024L + html.stored().length;
    for (Blob b : bodies) bytes += b.stored().length + 512;
    return writer.write(bytes, () -> {
      Save current = readSave(id);
      if (current == null || current.state() != SaveState.NEEDS_BROWSER) return current; // changed meanwhile
      blobs.put(html);
      if (current.htmlDigest() != null) blobs.release(current.htmlDigest());
      for (SaveResource r : current.resourceList()) blobs.release(r.digest());
      List<SaveResource> resources = putResources(dom.resources(), bodies);
      Save queued = current.withBrowserDom(html.digest(), dom.title(), dom.httpStatus(), resources, System.currentTimeMillis());
      writeSave(queued, current);
      queue.add(id);
      order.add(queued);
      queuedByUrl.put(queued.urlKey(), id);
      return queued;
    });
  }

  @Override
  public Save retry(long id) {
    return writer.write(() -> {
      Save current = readSave(id);
      if (current == null) return null;
      if (current.state() != SaveState.FAILED && current.state() != SaveState.NEEDS_BROWSER) return current;
      Long other = queuedByUrl.get(current.urlKey());
      if (other != null) {
        Save queuedOne = readSave(other);
        if (queuedOne != null) return queuedOne;
      }
      Save again = current.requeued(System.currentTimeMillis());
      writeSave(again, current);
      queue.add(id);
      order.add(again);
      queuedByUrl.put(again.urlKey(), id);
      return again;
    });
  }

  @Override
  public boolean deleteSave(long id) {
    return writer.write(() -> {
      Save current = readSave(id);
      if (current == null) return false;
      dequeue(current);
      savesByState.remove(current.state().wire() + "/" + pad(id));
      stateCounts.get(current.state()).decrementAndGet();
      saves.remove(id);
      if (current.htmlDigest() != null) blobs.release(current.htmlDigest());
      for (SaveResource r : current.resourceList()) blobs.release(r.digest());
      return true;
    });
  }

  private void dequeue(Save s) {
    queue.remove(s.id());
    order.remove(s);
    Long q = queuedByUrl.get(s.urlKey());
    if (q != null && q == s.id()) queuedByUrl.remove(s.urlKey());
  }

  private Save readSave(long id) {
    byte[] json = saves.get(id);
    return json == null ? null : Json.decode(json, Save.class);
  }

  private void writeSave(Save s, Save previous) {
    if (previous != null) {
      savesByState.remove(previous.state().wire() + "/" + pad(previous.id()));
      stateCounts.get(previous.state()).decrementAndGet();
    }
    saves.put(s.id(), Json.encode(s));
    savesByState.add(s.state().wire() + "/" + pad(s.id()));
    stateCounts.get(s.state()).incrementAndGet();
  }

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
      Map<String, Long> refs = new java.util.HashMap<>();
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
        if (!savesByState.contains(s.state().wire() + "/" + pad(s.id()))) problems.add("save " + s.id() + " missing from the state index");
        if (s.state() == SaveState.QUEUED && !queue.contains(s.id())) problems.add("queued save " + s.id() + " is not on the queue");
        if (s.state() == SaveState.QUEUED && !order.contains(s)) problems.add("queued save " + s.id() + " is not in the admission order");
        if (s.htmlDigest() != null) refs.merge(s.htmlDigest(), 1L, Long::sum);
        for (SaveResource r : s.resourceList()) refs.merge(r.digest(), 1L, Long::sum);
      }
      for (SaveState st : SaveState.values()) {
        long want = counted.getOrDefault(st, 0L);
        if (stateCounts.get(st).get() != want) problems.add(st.wire() + " count is " + stateCounts.get(st).get() + ", records say " + want);
      }
      for (Long id : queue) if (!saves.containsKey(id)) problems.add("queue names missing save " + id);
      if (order.size() != queue.size()) problems.add("admission order has " + order.size() + " saves, the queue " + queue.size());
      snapshots.verify(refs, problems);
      blobs.verify(refs, problems);
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
        stateCounts.get(SaveState.QUEUED).get(), stateCounts.get(SaveState.FETCHING).get(),
        stateCounts.get(SaveState.DONE).get(), stateCounts.get(SaveState.FAILED).get(),
        snapshots.logicalBytes(), blobs.storedBytes(), blobs.count(), stateCounts.get(SaveState.NEEDS_BROWSER).get()));
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

  private static String pad(long id) {
    return String.format("%019d", id);
  }
}

package dev.pagekeep.store;

import static dev.pagekeep.testing.Captures.page;
import static dev.pagekeep.testing.Captures.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.model.Capture;
import dev.pagekeep.store.ArchiveStore.NewSave;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;

/**
 * The order of MapDB's writes to the store file that {@link JournaledVolume} relies on (its class
 * comment lists them), checked on the MapDB this build uses: every call MapDB makes on the store
 * file's volume is recorded while the store's own parts write a realistic load through the
 * archive's set-up ({@link StoreOptions#ARCHIVE}). If a MapDB upgrade breaks one of these
 * properties, this test fails, and the journal must be re-thought before the upgrade goes in.
 */
class MapDbWriteOrderTest {
  @TempDir Path dir;

  enum Kind { READ, WRITE, SYNC, GROW, TRUNCATE, CLOSE }

  record Call(Kind kind, String method, long offset, long length) {}

  /** The calls made on the store file's volume, in order; {@link #take} hands them over and starts afresh. */
  static final class Log {
    private final List<Call> calls = new ArrayList<>();

    synchronized void add(Kind kind, String method, long offset, long length) {
      calls.add(new Call(kind, method, offset, length));
    }

    synchronized List<Call> take() {
      List<Call> out = List.copyOf(calls);
      calls.clear();
      return out;
    }
  }

  /** Passes every call to the volume under it (the journaled store file) and logs it. */
  static final class RecordingVolume extends Volume {
    private final Volume v;
    private final Log log;

    RecordingVolume(Volume v, Log log) {
      this.v = v;
      this.log = log;
    }

    @Override public void ensureAvailable(long offset) { log.add(Kind.GROW, "ensureAvailable", offset, 0); v.ensureAvailable(offset); }
    @Override public void truncate(long size) { log.add(Kind.TRUNCATE, "truncate", size, 0); v.truncate(size); }
    @Override public void putLong(long offset, long value) { log.add(Kind.WRITE, "putLong", offset, 8); v.putLong(offset, value); }
    @Override public void putInt(long offset, int value) { log.add(Kind.WRITE, "putInt", offset, 4); v.putInt(offset, value); }
    @Override public void putByte(long offset, byte value) { log.add(Kind.WRITE, "putByte", offset, 1); v.putByte(offset, value); }
    @Override public void putData(long offset, byte[] src, int pos, int size) { log.add(Kind.WRITE, "putData", offset, size); v.putData(offset, src, pos, size); }
    @Override public void putData(long offset, ByteBuffer buf) { log.add(Kind.WRITE, "putData", offset, buf.remaining()); v.putData(offset, buf); }
    @Override public void putDataOverlap(long offset, byte[] src, int pos, int size) { log.add(Kind.WRITE, "putDataOverlap", offset, size); v.putDataOverlap(offset, src, pos, size); }
    @Override public void clear(long start, long end) { log.add(Kind.WRITE, "clear", start, end - start); v.clear(start, end); }
    @Override public void clearOverlap(long start, long end) { log.add(Kind.WRITE, "clearOverlap", start, end - start); v.clearOverlap(start, end); }
    @Override public long getLong(long offset) { log.add(Kind.READ, "getLong", offset, 8); return v.getLong(offset); }
    @Override public int getInt(long offset) { log.add(Kind.READ, "getInt", offset, 4); return v.getInt(offset); }
    @Override public byte getByte(long offset) { log.add(Kind.READ, "getByte", offset, 1); return v.getByte(offset); }
    @Override public DataInput2 getDataInput(long offset, int size) { log.add(Kind.READ, "getDataInput", offset, size); return v.getDataInput(offset, size); }
    @Override public DataInput2 getDataInputOverlap(long offset, int size) { log.add(Kind.READ, "getDataInputOverlap", offset, size); return v.getDataInputOverlap(offset, size); }
    @Override public void getData(long offset, byte[] bytes, int pos, int size) { log.add(Kind.READ, "getData", offset, size); v.getData(offset, bytes, pos, size); }
    @Override public void close() { log.add(Kind.CLOSE, "close", 0, 0); v.close(); }
    @Override public void sync() { log.add(Kind.SYNC, "sync", 0, 0); v.sync(); }
    @Override public int sliceSize() { return v.sliceSize(); }
    @Override public boolean isSliced() { return v.isSliced(); }
    @Override public long length() { return v.length(); }
    @Override public boolean isReadOnly() { return v.isReadOnly(); }
    @Override public File getFile() { return v.getFile(); }
    @Override public boolean getFileLocked() { return v.getFileLocked(); }
    @Override public boolean fileLoad() { return v.fileLoad(); }
  }

  /** The archive's volumes, the store file's recorded into {@code log} (MapDB's own WAL files are not). */
  private static VolumeFactory recording(Path file, Log log) {
    VolumeFactory journaled = JournaledVolume.factory(file);
    return new VolumeFactory() {
      @Override
      public Volume makeVolume(String name, boolean readOnly, long lockWait, int sliceShift, long initSize, boolean fixedSize) {
        Volume v = journaled.makeVolume(name, readOnly, lockWait, sliceShift, initSize, fixedSize);
        return file.toString().equals(name) ? new RecordingVolume(v, log) : v;
      }

      @Override
      public boolean exists(String name) {
        return journaled.exists(name);
      }

      @Override
      public boolean handlesReadonly() {
        return journaled.handlesReadonly();
      }
    };
  }

  private static List<Call> of(List<Call> calls, Kind kind) {
    return calls.stream().filter(c -> c.kind() == kind).toList();
  }

  /**
   * The calls split into commits, each ending at a sync (the journal's seal and apply), checked:
   * nothing is read between a commit's first write and its sync (only a rollback does that);
   * nothing truncates (it is not journaled); no write crosses a 1 MiB slice of the mapped file;
   * and nothing is written after the last sync. Returns the commits' calls.
   */
  private static List<List<Call>> commits(List<Call> calls, String what) {
    List<List<Call>> commits = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).kind() != Kind.SYNC) continue;
      List<Call> commit = calls.subList(start, i + 1);
      List<Call> writes = of(commit, Kind.WRITE);
      assertThat(writes).as(what + ": a sync ends a commit that wrote").isNotEmpty();
      int firstWrite = commit.indexOf(writes.get(0));
      assertThat(of(commit.subList(firstWrite, commit.size()), Kind.READ))
          .as(what + ": no read of the file while a commit's writes are pending").isEmpty();
      commits.add(commit);
      start = i + 1;
    }
    assertThat(of(calls.subList(start, calls.size()), Kind.WRITE)).as(what + ": no write after the last sync").isEmpty();
    assertThat(of(calls, Kind.TRUNCATE)).as(what + ": no truncate").isEmpty();
    for (Call c : of(calls, Kind.WRITE)) {
      long slice = 1L << 20;
      assertThat(c.length() == 0 || c.offset() / slice == (c.offset() + c.length() - 1) / slice)
          .as(what + ": " + c + " stays inside one 1 MiB slice").isTrue();
    }
    return commits;
  }

  /** As {@link #commits}, for the calls of one {@code db.commit()}: exactly one commit, the sync last. */
  private static void assertOneWholeCommit(List<Call> calls, String what) {
    assertThat(commits(calls, what)).as(what + ": one sync").hasSize(1);
    assertThat(calls.get(calls.size() - 1).kind()).as(what + ": the sync is the last call").isEqualTo(Kind.SYNC);
  }

  @Test
  void mapDbWritesTheStoreFileOnlyInCommitsThatEndWithOneSync() {
    Path file = dir.resolve("archive.db");
    Log log = new Log();
    Random random = new Random(17);
    byte[] big = new byte[300_000]; // incompressible and over MapDB's 64 KiB record: a linked record
    random.nextBytes(big);

    DB db = StoreOptions.ARCHIVE.open(file, recording(file, log));
    // StoreWAL writes the new file's header and syncs; then DB commits its catalog.
    assertThat(commits(log.take(), "creating the file")).hasSize(2);

    Blobs blobs = new Blobs(db);
    Snapshots snapshots = new Snapshots(db, blobs);
    SaveQueue queue = new SaveQueue(db, blobs);
    assertThat(of(log.take(), Kind.WRITE)).as("no write while the parts open their collections").isEmpty();
    db.commit();
    assertOneWholeCommit(log.take(), "the parts' first commit");

    // One transaction: many saves (index pages fill), pages with requisites, a linked record.
    long now = 1_700_000_000_000L;
    for (int i = 0; i < 400; i++) {
      queue.enqueue(SaveQueue.Prepared.of(new NewSave("https://order.example/" + i, "import", "t" + i, ("<p>" + i).getBytes())), now);
    }
    List<Capture> pages = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String url = "https://order.example/p" + i;
      StoredCapture css = resource(url + ".css", "20240101000000", ("a{color:#" + i + "}").getBytes());
      pages.add(snapshots.putPage(page(url, "20240101000000", "<p>page " + i + "</p>", List.of()), List.of(css), null));
    }
    snapshots.putPage(page("https://order.example/big", "20240101000000", "<p>big</p>", List.of()),
        List.of(resource("https://order.example/big.bin", "20240101000000", big)), null);
    List<Call> transaction = log.take();
    assertThat(of(transaction, Kind.WRITE)).as("no write to the file inside a transaction: it waits in MapDB's WAL").isEmpty();
    assertThat(of(transaction, Kind.SYNC)).isEmpty();
    assertThat(of(transaction, Kind.TRUNCATE)).isEmpty();

    db.commit();
    List<Call> commit = log.take();
    assertOneWholeCommit(commit, "a commit of new records");
    assertThat(of(commit, Kind.WRITE)).as("the header is written in the same commit as the records it describes")
        .anyMatch(c -> c.offset() == 0);

    // A transaction that frees space and reuses it (MapDB's long stacks of free slots).
    for (int i = 0; i < 20; i++) snapshots.delete(pages.get(i).urlKey(), null);
    for (long id = 1; id <= 200; id++) queue.delete(id);
    snapshots.delete(dev.pagekeep.model.UrlKeys.urlKey("https://order.example/big"), null);
    for (int i = 0; i < 100; i++) {
      queue.enqueue(SaveQueue.Prepared.of(new NewSave("https://order.example/again/" + i, "import", null, ("<p>again " + i).getBytes())), now);
    }
    assertThat(of(log.take(), Kind.WRITE)).as("no write to the file while records are deleted and space reused").isEmpty();
    db.commit();
    assertOneWholeCommit(log.take(), "a commit of deletes and reused space");

    // A transaction rolled back writes nothing to the file (it re-reads the header: the last commit's).
    queue.enqueue(SaveQueue.Prepared.of(new NewSave("https://order.example/rolled-back", "api", null, null)), now);
    db.rollback();
    List<Call> rollback = log.take();
    assertThat(of(rollback, Kind.WRITE)).as("a rollback writes nothing").isEmpty();
    assertThat(of(rollback, Kind.SYNC)).isEmpty();

    db.close();
    List<Call> close = log.take();
    assertThat(of(close, Kind.WRITE)).as("closing after a commit writes nothing (pending writes at close are dropped)").isEmpty();
    assertThat(of(close, Kind.CLOSE)).hasSize(1);

    // And the commits are there, whole, for the next open.
    DB again = StoreOptions.ARCHIVE.open(file, JournaledVolume.factory(file));
    Blobs blobs2 = new Blobs(again);
    Snapshots snapshots2 = new Snapshots(again, blobs2);
    SaveQueue queue2 = new SaveQueue(again, blobs2);
    List<String> problems = new ArrayList<>();
    java.util.Map<String, Long> named = new java.util.HashMap<>();
    queue2.verify(named, problems);
    snapshots2.verify(named, problems);
    blobs2.verify(named, problems);
    assertThat(problems).isEmpty();
    assertThat(snapshots2.pageCount()).isEqualTo(20);
    assertThat(queue2.count(dev.pagekeep.model.SaveState.QUEUED)).isEqualTo(300);
    again.close();
  }
}

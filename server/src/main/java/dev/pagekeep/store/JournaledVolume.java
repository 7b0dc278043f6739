package dev.pagekeep.store;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.zip.CRC32C;
import org.mapdb.DataInput2;
import org.mapdb.volume.ByteBufferVol;
import org.mapdb.volume.MappedFileVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store file's volume, with what MapDB 3.1 lacks: atomic commits. {@code StoreWAL.commit()}
 * logs only the records to its WAL, then writes header, index and records into the file in place,
 * and nothing replays that WAL when the file is opened again: a process killed in the middle of a
 * commit leaves a half-written store (seen in about 1 of 35 SIGKILL trials, with "Broken bit
 * parity" in several collections at once).
 *
 * <p>So every write to the file goes first to a redo journal ({@code archive.db.redo}) and not to
 * the file. At {@link #sync()} (the last step of a commit) the commit's writes are sealed in the
 * journal as one <i>segment</i> (its writes, then a trailer with their length, count and CRC32C),
 * the journal is forced to disk (the commit point), and the writes are applied to the mapped file.
 * The file is forced only at a <i>checkpoint</i> ({@link #checkpoint}: every
 * {@link #CHECKPOINT_COMMITS} commits or when the journal passes {@link #CHECKPOINT_BYTES}, run by
 * the store's writer once that commit is answered; when the writer goes idle; and at close), which
 * then empties the journal. Until then the journal holds every commit since the
 * last checkpoint, in order. When the file is opened, the sealed segments are applied again in
 * order (the writes are to fixed offsets and each carries its whole bytes, so the file ends as the
 * last sealed commit left it, whatever part of the later writes had reached the disk) and a torn
 * tail is dropped (its commit never reached the file). Reads always see the file, that is the last
 * whole commit (see {@link #dropUnfinishedCommit}).
 *
 * <p>Why checkpoints: a commit's writes land all over the file (tree nodes, hash buckets, records),
 * and forcing them was one random write each: 17-20 ms of a 30-35 ms commit on a run of small pages,
 * where the journal's force, sequential, took 4-5. A checkpoint forces many commits' writes at once
 * (the slices they wrote: {@link #forceWritten}), and pages written by several commits once.
 * MapDB's own WAL is kept in memory ({@link HeapWalVolume}): the journal here is what makes a
 * commit durable, and nothing reads MapDB's WAL after a restart.
 *
 * <p><b>The order of MapDB's writes this relies on</b> (MapDB 3.1.0; {@code MapDbWriteOrderTest}
 * records every call MapDB makes on this volume and fails if an upgrade changes any of these):
 * <ol>
 * <li>Between commits MapDB writes nothing to the store file: a transaction's records, index
 *     values, free-space stacks and header wait in memory and in MapDB's own WAL files (not
 *     journaled here). So every write this volume sees belongs to the commit under way.
 * <li>{@code StoreWAL.commit()} writes the header at offset 0 first, grows the file
 *     ({@code ensureAvailable}), writes index values, long-stack pages and records, and then
 *     calls {@link #sync()} once, as its last call on this volume. MapDB has no commit marker of
 *     its own at the end (its header, with its checksum, goes first), which is why a cut-off
 *     commit was half-written; here {@link #sync()} is the commit point: the journal's seal.
 *     Creating a new file is two such commits (StoreWAL's header, then DB's catalog).
 * <li>Between a commit's first write and its sync MapDB reads nothing from the store file
 *     (records come from its WAL, the header from memory). The only read with writes pending is a
 *     rollback after a failed commit re-reading the header, so a read then means "this commit did
 *     not happen" ({@link #dropUnfinishedCommit}); {@code db.rollback()} itself writes nothing.
 * <li>MapDB never truncates the store file, and {@code ensureAvailable} only grows it: both go
 *     straight to the file, unjournaled.
 * <li>No single write crosses a slice of the mapped file (1 MiB), as {@link #apply}, where it
 *     cannot reach the file's channel, copies each write with one {@code putData} on the mapped
 *     volume.
 * <li>{@code close()} after a commit writes nothing: writes pending at close belong to a commit
 *     that never reached its sync, and are dropped.
 * </ol>
 */
final class JournaledVolume extends Volume {
  private static final Logger log = LoggerFactory.getLogger(JournaledVolume.class);
  private static final int SEAL = 0x504b_4a31; // "PKJ1"
  private static final int TRAILER = 4 + 4 + 8 + 8; // seal, entries, crc, length
  private static final int ENTRY_HEADER = 1 + 8 + 8; // type, offset, length
  private static final byte DATA = 0;
  private static final byte ZEROS = 1;
  /** A checkpoint after this many commits since the last... */
  static final int CHECKPOINT_COMMITS = 32;
  /** ...or once the journal holds this many bytes (also what a recovery re-applies at most, about). */
  static final long CHECKPOINT_BYTES = 8L << 20;
  /**
   * A checkpoint is due at those marks, and the store's writer runs it after answering the commit
   * ({@link #checkpointIfDue}); past this many times them, a commit runs it itself (no writer asked).
   */
  static final int OVERDUE = 4;

  /** MapDB's mapped slices, to force only those a commit wrote (null: this MapDB hides them; all are forced). */
  private static final Field SLICES =
      mapDbField(ByteBufferVol.class, "slices", "each checkpoint syncs the whole store file");
  /** The mapped file's channel, to force a checkpoint's slices with one fsync (null: forced one by one). */
  private static final Field CHANNEL =
      mapDbField(MappedFileVol.class, "fileChannel", "each checkpoint forces its slices one by one");

  /** One journaled write: {@code length} bytes for {@code offset}, kept at {@code at} in the journal. */
  private record Entry(long offset, long length, boolean zeros, long at) {}

  private final Volume file;
  private final Path journalPath;
  private final FileChannel journal;
  /** Reads each commit's writes back for its apply (under this volume's lock, one commit at a time). */
  private final ReadBack readBack;
  private final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
  private final CRC32C crc = new CRC32C();
  private final List<Entry> pending = new ArrayList<>();
  /** Writes of the commits sealed and applied since the last checkpoint: the file's unforced part. */
  private final List<Entry> unforced = new ArrayList<>();
  private int commitsSinceCheckpoint;
  /** Where the commit under way begins in the journal (after the sealed segments before it). */
  private long segmentStart;
  private long flushed;
  private long highestEnd;
  private volatile boolean dirty;
  /** Slices forced by the last commit's sync, for tests; -1 when the whole file was synced. */
  private int lastForced = -1;

  private JournaledVolume(Volume file, Path journalPath) throws IOException {
    this.file = file;
    this.journalPath = journalPath;
    this.journal = FileChannel.open(journalPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    this.readBack = new ReadBack(journal);
  }

  /** Memory-mapped volumes as MapDB makes them, the store file's journaled. */
  static Factory factory(Path storeFile) {
    return new Factory(storeFile.toString());
  }

  /** Makes MapDB's volumes, and checkpoints the store file's between its writer's commits. */
  static final class Factory extends VolumeFactory implements StoreWriter.Upkeep {
    private final String main;
    private final VolumeFactory mapped = new MappedFileVol.MappedFileFactory(false, true);
    private final HeapWalVolume.Pool walPool = new HeapWalVolume.Pool();
    private volatile JournaledVolume made;

    private Factory(String main) {
      this.main = main;
    }

    /** A checkpoint if one is due, after a batch of commits is answered. */
    @Override
    public void afterCommit() {
      checkpoint(false);
    }

    /** A checkpoint now: an idle archive's journal is empty and its file whole on disk. */
    @Override
    public void idle() {
      checkpoint(true);
    }

    private void checkpoint(boolean now) {
      JournaledVolume v = made;
      if (v == null) return;
      try {
        if (now) v.checkpoint();
        else v.checkpointIfDue();
      } catch (IOException e) {
        log.warn("store checkpoint failed (the journal keeps the commits): {}", e.toString());
      }
    }

    @Override
    public Volume makeVolume(String name, boolean readOnly, long fileLockWait, int sliceShift, long initSize,
                             boolean fixedSize) {
      if (!readOnly && !main.equals(name)) return walPool.take(sliceShift); // MapDB's own WAL, never read after a restart
      Volume v = mapped.makeVolume(name, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
      if (readOnly) return v;
      try {
        deleteOldWalFiles(Path.of(name));
        Path journal = Path.of(name + ".redo");
        recover(v, journal); // under the file lock the mapped volume holds
        JournaledVolume j = new JournaledVolume(v, journal);
        made = j;
        return j;
      } catch (IOException | RuntimeException e) {
        v.close();
        throw new StoreException("cannot open the store's journal " + name + ".redo: " + e.getMessage(), e);
      }
    }

    /** MapDB's WAL files as a kill left them while they were files: nothing reads them. */
    private static void deleteOldWalFiles(Path store) throws IOException {
      Path parent = store.toAbsolutePath().getParent();
      try (var old = Files.newDirectoryStream(parent, store.getFileName() + ".wal.*")) {
        for (Path p : old) Files.deleteIfExists(p);
      }
    }

    /** The WAL's volumes in memory, kept between commits (for tests). */
    HeapWalVolume.Pool walPool() {
      return walPool;
    }

    @Override
    public boolean exists(String name) {
      return mapped.exists(name);
    }

    @Override
    public boolean handlesReadonly() {
      return mapped.handlesReadonly();
    }
  }

  /**
   * Applies, in order, the sealed segments of a journal left by a crash (commits since the last
   * checkpoint, the last perhaps cut off while being applied), and empties it; a torn tail (a crash
   * before its seal) is dropped. Returns the number of writes applied.
   */
  static int recover(Volume target, Path journalPath) throws IOException {
    if (!Files.exists(journalPath)) return 0;
    try (FileChannel ch = FileChannel.open(journalPath, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      List<List<Entry>> segments = new ArrayList<>();
      long end = sealedSegments(ch, size, segments);
      int applied = 0;
      for (List<Entry> entries : segments) {
        apply(new ReadBack(ch), entries, target);
        applied += entries.size();
      }
      if (!segments.isEmpty()) target.sync();
      if (end < size) log.warn("dropped an unsealed store journal tail ({} bytes): its commit never happened", size - end);
      if (applied > 0) {
        log.warn("store journal: re-applied {} commits ({} writes) since the last checkpoint (the last run did not stop cleanly)", segments.size(), applied);
      }
      ch.truncate(0);
      ch.force(true);
      return applied;
    }
  }

  /**
   * Reads the journal's segments from the start while each is whole: entries (a type byte, 0 or 1,
   * never the seal's first byte), then a trailer whose count, length and CRC32C match them. Returns
   * where the last whole segment ends; what follows is a torn tail.
   */
  private static long sealedSegments(FileChannel ch, long size, List<List<Entry>> out) throws IOException {
    long start = 0;
    ByteBuffer head = ByteBuffer.allocate(Math.max(ENTRY_HEADER, TRAILER));
    while (start < size) {
      List<Entry> entries = new ArrayList<>();
      long at = start;
      while (true) {
        if (at + 1 > size) return start;
        head.clear().limit(1);
        readFully(ch, head, at);
        byte type = head.get(0);
        if (type == DATA || type == ZEROS) {
          if (at + ENTRY_HEADER > size) return start;
          head.clear().limit(ENTRY_HEADER);
          readFully(ch, head, at);
          head.flip();
          head.get();
          long offset = head.getLong();
          long length = head.getLong();
          if (offset < 0 || length < 0 || type == DATA && length > size - at - ENTRY_HEADER) return start;
          long next = at + ENTRY_HEADER + (type == DATA ? length : 0);
          entries.add(new Entry(offset, length, type == ZEROS, at + ENTRY_HEADER));
          at = next;
          continue;
        }
        if (at + TRAILER > size) return start;
        head.clear().limit(TRAILER);
        readFully(ch, head, at);
        head.flip();
        int seal = head.getInt();
        int count = head.getInt();
        long wantCrc = head.getLong();
        long length = head.getLong();
        if (seal != SEAL || count != entries.size() || length != at - start || crcOf(ch, start, at) != wantCrc) return start;
        out.add(entries);
        start = at + TRAILER;
        break;
      }
    }
    return start;
  }

  private static long crcOf(FileChannel ch, long from, long to) throws IOException {
    CRC32C c = new CRC32C();
    ByteBuffer b = ByteBuffer.allocate(64 * 1024);
    for (long at = from; at < to; ) {
      b.clear().limit((int) Math.min(b.capacity(), to - at));
      int n = ch.read(b, at);
      if (n <= 0) throw new IOException("journal shorter than its trailer says");
      b.flip();
      c.update(b);
      at += n;
    }
    return c.getValue();
  }

  /**
   * Copies journaled writes to the file, in order: the commit path and recovery both. Into a mapped
   * file they go with {@code pwrite} through its channel ({@link FileWrites}), not through the
   * mapping: Linux shares one page cache between the two, so MapDB reads them at once through its
   * mapping, but a page written through a mapping is write-protected again by the checkpoint's
   * fsync (every mapping's entry for it changed, and every CPU told to forget it) and faults on the
   * next write. That was a third of the store writer's CPU on small pages (perf: the checkpoint's
   * {@code page_mkclean} and the apply's page faults), where the writes cost a few system calls.
   */
  private static void apply(ReadBack in, List<Entry> entries, Volume target) throws IOException {
    long end = 0;
    for (Entry e : entries) end = Math.max(end, e.offset() + e.length());
    target.ensureAvailable(roundUpToMiB(end));
    FileChannel channel = channelOf(target);
    FileWrites direct = channel == null ? null : in.writesTo(channel);
    in.start(entries);
    for (Entry e : entries) {
      if (e.zeros()) {
        if (direct != null) direct.zeros(e.offset(), e.length());
        else target.clear(e.offset(), e.offset() + e.length());
        continue;
      }
      int at = in.locate(e.at(), (int) e.length()); // before bytes(): it may read into a new buffer
      if (direct != null) direct.put(e.offset(), in.bytes(), at, (int) e.length());
      else target.putData(e.offset(), in.bytes(), at, (int) e.length());
    }
    if (direct != null) direct.flush();
  }

  /**
   * A commit's writes to the store file with {@code pwrite}, in order; writes that continue where
   * the one before ended go out together (a commit is hundreds of writes, most of 8 bytes).
   */
  static final class FileWrites {
    static final int RUN = 64 * 1024;
    private static final byte[] ZEROS = new byte[RUN];
    private final FileChannel channel;
    private final ByteBuffer run = ByteBuffer.allocateDirect(RUN);
    private long runStart = -1;
    /** System calls made, for tests. */
    long calls;

    FileWrites(FileChannel channel) {
      this.channel = channel;
    }

    void put(long offset, byte[] src, int pos, int len) throws IOException {
      if (len <= 0) return;
      if (runStart >= 0 && offset == runStart + run.position() && len <= run.remaining()) {
        run.put(src, pos, len);
        return;
      }
      flush();
      if (len > RUN) {
        writeFully(ByteBuffer.wrap(src, pos, len), offset);
        return;
      }
      runStart = offset;
      run.put(src, pos, len);
    }

    void zeros(long offset, long len) throws IOException {
      for (long done = 0; done < len; ) {
        int n = (int) Math.min(RUN, len - done);
        put(offset + done, ZEROS, 0, n);
        done += n;
      }
    }

    /** Drops what an apply that failed part-way left in the buffer. */
    void forget() {
      run.clear();
      runStart = -1;
    }

    void flush() throws IOException {
      if (runStart < 0) return;
      run.flip();
      writeFully(run, runStart);
      run.clear();
      runStart = -1;
    }

    private void writeFully(ByteBuffer b, long at) throws IOException {
      while (b.hasRemaining()) {
        at += channel.write(b, at);
        calls++;
      }
    }
  }

  /**
   * A segment's writes read back from the journal in chunks of up to {@link #CHUNK} bytes: one
   * read per write made a commit cost hundreds of small reads (MapDB writes many 8-byte values).
   * A write longer than a chunk is read alone. The volume keeps one for its commits, so its buffer
   * is not made again for each.
   */
  private static final class ReadBack {
    static final int CHUNK = 256 * 1024;
    private final FileChannel journal;
    private long spanEnd;
    private byte[] buf = new byte[0];
    private long bufStart;
    private int bufLength;

    private FileWrites writes;

    ReadBack(FileChannel journal) {
      this.journal = journal;
    }

    /** The writer of the file's bytes for this volume's commits (its buffer made once). */
    FileWrites writesTo(FileChannel file) {
      if (writes == null || writes.channel != file) writes = new FileWrites(file);
      writes.forget();
      return writes;
    }

    /** Reads for these entries next: what the buffer holds from before is not theirs to trust. */
    void start(List<Entry> entries) {
      long last = 0;
      for (Entry e : entries) if (!e.zeros()) last = Math.max(last, e.at() + e.length());
      spanEnd = last;
      bufLength = 0;
      if (buf.length > CHUNK) buf = new byte[0]; // a large write's buffer is not kept between commits
    }

    /** Where the bytes {@code [at, at + length)} of the journal start in {@link #bytes()}. */
    int locate(long at, int length) throws IOException {
      if (at >= bufStart && at + length <= bufStart + bufLength) return (int) (at - bufStart);
      int want = (int) Math.max(length, Math.min(CHUNK, spanEnd - at));
      if (buf.length < want) buf = new byte[want];
      readFully(journal, ByteBuffer.wrap(buf, 0, want), at);
      bufStart = at;
      bufLength = want;
      return 0;
    }

    byte[] bytes() {
      return buf;
    }
  }

  private static long roundUpToMiB(long n) {
    long mib = 1L << 20;
    return (n + mib - 1) / mib * mib;
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) throw new IOException("journal ends early");
      at += n;
    }
  }

  // ---- writes: journaled until sync() ----

  private synchronized void record(long offset, byte[] src, int pos, int len) {
    try {
      header(DATA, offset, len);
      long at = written();
      int done = 0;
      while (done < len) {
        if (!out.hasRemaining()) flushOut();
        int n = Math.min(out.remaining(), len - done);
        out.put(src, pos + done, n);
        done += n;
      }
      pending.add(new Entry(offset, len, false, at));
      highestEnd = Math.max(highestEnd, offset + len);
      dirty = true;
    } catch (IOException e) {
      throw failed("cannot write the store journal", e);
    }
  }

  private void header(byte type, long offset, long length) throws IOException {
    if (out.remaining() < ENTRY_HEADER) flushOut();
    out.put(type).putLong(offset).putLong(length);
  }

  /** Bytes of the journal so far: flushed to the file, plus those still in the buffer. */
  private long written() {
    return flushed + out.position();
  }

  private void flushOut() throws IOException {
    out.flip();
    crc.update(out.duplicate());
    while (out.hasRemaining()) flushed += journal.write(out, flushed);
    out.clear();
  }

  @Override
  public void putLong(long offset, long value) {
    record(offset, ByteBuffer.allocate(8).putLong(value).array(), 0, 8);
  }

  @Override
  public void putInt(long offset, int value) {
    record(offset, ByteBuffer.allocate(4).putInt(value).array(), 0, 4);
  }

  @Override
  public void putByte(long offset, byte value) {
    record(offset, new byte[] {value}, 0, 1);
  }

  @Override
  public void putData(long offset, byte[] src, int srcPos, int srcSize) {
    record(offset, src, srcPos, srcSize);
  }

  @Override
  public void putDataOverlap(long offset, byte[] src, int srcPos, int srcSize) {
    record(offset, src, srcPos, srcSize);
  }

  @Override
  public void putData(long offset, ByteBuffer buf) {
    byte[] b = new byte[buf.remaining()];
    buf.get(b);
    record(offset, b, 0, b.length);
  }

  @Override
  public synchronized void clear(long startOffset, long endOffset) {
    try {
      header(ZEROS, startOffset, endOffset - startOffset);
      pending.add(new Entry(startOffset, endOffset - startOffset, true, written()));
      highestEnd = Math.max(highestEnd, endOffset);
      dirty = true;
    } catch (IOException e) {
      throw failed("cannot write the store journal", e);
    }
  }

  @Override
  public void clearOverlap(long startOffset, long endOffset) {
    clear(startOffset, endOffset);
  }

  /**
   * The commit point: seals the commit's writes as a segment and forces the journal, then applies
   * them to the file (not forced: a later checkpoint does that, and until then the journal holds
   * them); a checkpoint only when one is long overdue (see {@link #checkpointIfDue}).
   */
  @Override
  public synchronized void sync() {
    // Every write reaches the file through a commit's apply: with nothing journaled there is nothing to commit.
    if (!dirty) return;
    try {
      seal();
    } catch (IOException e) {
      throw failed("cannot seal the store journal", e);
    }
    // Sealed: the commit happened, and from here a crash is repaired by recover() at the next open.
    List<Entry> sealed = new ArrayList<>(pending);
    nextSegment();
    try {
      apply(readBack, sealed, file);
      unforced.addAll(sealed);
      commitsSinceCheckpoint++;
      if (commitsSinceCheckpoint >= OVERDUE * CHECKPOINT_COMMITS || flushed >= OVERDUE * CHECKPOINT_BYTES) checkpoint();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot apply the store journal " + journalPath + ": " + e.getMessage(), e);
    }
  }

  /**
   * A checkpoint if one is due ({@link #CHECKPOINT_COMMITS} commits or {@link #CHECKPOINT_BYTES} of
   * journal since the last). Between commits: the store's writer calls it once a batch's callers
   * have their answer and without its lock, so the checkpoint's fsync (25-200 ms) delays neither
   * them nor readers; it changes nothing a reader sees.
   */
  synchronized void checkpointIfDue() throws IOException {
    if (commitsSinceCheckpoint >= CHECKPOINT_COMMITS || flushed >= CHECKPOINT_BYTES) checkpoint();
  }

  /**
   * Forces the file (the slices written since the last checkpoint), then empties the journal: every
   * commit in it is now in the file on disk. The emptied journal is forced too, so no segment of
   * before can be read again after the new ones.
   */
  synchronized void checkpoint() throws IOException {
    if (dirty) throw new IllegalStateException("a checkpoint inside a commit");
    if (unforced.isEmpty() && flushed == 0) return;
    lastForced = forceWritten(unforced, file);
    journal.truncate(0);
    journal.force(true);
    unforced.clear();
    commitsSinceCheckpoint = 0;
    flushed = 0;
    segmentStart = 0;
  }

  /**
   * Forces to disk the mapped slices the entries wrote (a checkpoint's: every commit's since the
   * last), and returns how many; MapDB's own {@code sync()} forces every 1 MiB slice of the file,
   * so a commit's cost grew with the store (at 2.4 GB, 2,400 msyncs per commit, and the store
   * writer spent its time in them). Falls back to that full sync when the volume is not one whose
   * slices can be reached.
   *
   * <p>When the file's channel can be reached, the slices are forced with one {@code fsync} of the
   * file rather than one {@code msync} each: Linux's msync of a shared mapping is an fsync of that
   * range, each with its own wait and disk-cache flush (10 to 17 of them per commit, 30 ms of the
   * commit under load), while one fsync writes the same dirty pages (only a commit's apply dirties
   * the file, and each checkpoint forces what the commits since the last dirtied) with one flush.
   */
  static int forceWritten(List<Entry> entries, Volume target) {
    if (SLICES == null || !(target instanceof ByteBufferVol vol) || !vol.isSliced()) {
      target.sync();
      return -1;
    }
    ByteBuffer[] slices;
    try {
      slices = (ByteBuffer[]) SLICES.get(vol);
    } catch (IllegalAccessException e) {
      target.sync();
      return -1;
    }
    int shift = Integer.numberOfTrailingZeros(vol.sliceSize());
    BitSet written = new BitSet();
    for (Entry e : entries) {
      if (e.length() <= 0) continue;
      written.set((int) (e.offset() >>> shift), (int) ((e.offset() + e.length() - 1) >>> shift) + 1);
    }
    FileChannel channel = channelOf(vol);
    int forced = 0;
    for (int i = written.nextSetBit(0); i >= 0; i = written.nextSetBit(i + 1)) {
      if (i < slices.length && slices[i] instanceof MappedByteBuffer m) {
        if (channel == null) m.force();
        forced++;
      }
    }
    if (channel != null && forced > 0) {
      try {
        channel.force(true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot sync the store file: " + e.getMessage(), e);
      }
    }
    return forced;
  }

  /** The channel of a mapped store file, or null (then each slice is forced on its own). */
  private static FileChannel channelOf(Volume vol) {
    if (CHANNEL == null || !(vol instanceof MappedFileVol)) return null;
    try {
      return CHANNEL.get(vol) instanceof FileChannel ch && ch.isOpen() ? ch : null;
    } catch (IllegalAccessException e) {
      return null;
    }
  }

  /** A private field of MapDB's, or null when this MapDB hides it (then {@code without} says what that costs). */
  private static Field mapDbField(Class<?> owner, String name, String without) {
    try {
      Field f = owner.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("MapDB's {}.{} is out of reach ({}): {}", owner.getSimpleName(), name, e.toString(), without);
      return null;
    }
  }

  int lastForcedSlices() {
    return lastForced;
  }

  /** A commit that could not be journaled did not happen: its writes are dropped, the file is as it was. */
  private UncheckedIOException failed(String what, IOException e) {
    try {
      dropPending();
    } catch (IOException again) {
      e.addSuppressed(again);
    }
    return new UncheckedIOException(what + " " + journalPath + ": " + e.getMessage(), e);
  }

  /** Writes the segment's trailer (seal, count, CRC32C, length) after its writes and forces the journal. */
  synchronized void seal() throws IOException {
    flushOut();
    long end = flushed;
    ByteBuffer t = ByteBuffer.allocate(TRAILER).putInt(SEAL).putInt(pending.size())
        .putLong(crc.getValue()).putLong(end - segmentStart);
    t.flip();
    while (t.hasRemaining()) journal.write(t, end + (TRAILER - t.remaining()));
    journal.force(false);
    flushed = end + TRAILER;
  }

  /** The {@code pwrite} calls the commits' applies made so far (0: written through the mapping), for tests. */
  synchronized long fileWriteCalls() {
    return readBack.writes == null ? 0 : readBack.writes.calls;
  }

  /** Applies the first {@code count} pending writes to the file (tests stop part-way, as a crash would). */
  synchronized void applySealed(int count) throws IOException {
    apply(readBack, pending.subList(0, count), file);
  }

  /** After a seal: the next commit's writes start a new segment. */
  private void nextSegment() {
    pending.clear();
    out.clear();
    crc.reset();
    segmentStart = flushed;
    highestEnd = 0;
    dirty = false;
  }


  /** Lets go of journal and file as a killed process would, writing nothing more: for tests. */
  synchronized void abandon() throws IOException {
    journal.close();
    file.close();
  }

  /** Drops the unsealed writes of the commit under way; the sealed segments before it stay. */
  private void dropPending() throws IOException {
    pending.clear();
    out.clear();
    crc.reset();
    flushed = segmentStart;
    highestEnd = 0;
    journal.truncate(segmentStart);
    dirty = false;
  }

  // ---- reads: always the file, which holds the last whole commit ----

  /**
   * MapDB reads the file between a commit's writes and its sync only when that commit failed
   * and it rolls back (StoreWAL.rollback re-reads the header): the pending writes belong to a
   * commit that did not happen, so they are dropped and the read sees the last whole commit.
   */
  private void dropUnfinishedCommit() {
    if (!dirty) return;
    synchronized (this) {
      if (!dirty) return;
      log.warn("dropping {} journaled writes of a commit that did not finish", pending.size());
      try {
        dropPending();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot empty the store journal " + journalPath + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public long getLong(long offset) {
    dropUnfinishedCommit();
    return file.getLong(offset);
  }

  @Override
  public int getInt(long offset) {
    dropUnfinishedCommit();
    return file.getInt(offset);
  }

  @Override
  public byte getByte(long offset) {
    dropUnfinishedCommit();
    return file.getByte(offset);
  }

  @Override
  public DataInput2 getDataInput(long offset, int size) {
    dropUnfinishedCommit();
    return file.getDataInput(offset, size);
  }

  @Override
  public DataInput2 getDataInputOverlap(long offset, int size) {
    dropUnfinishedCommit();
    return file.getDataInputOverlap(offset, size);
  }

  @Override
  public void getData(long offset, byte[] bytes, int bytesPos, int size) {
    dropUnfinishedCommit();
    file.getData(offset, bytes, bytesPos, size);
  }

  // ---- the rest is the file's ----

  @Override
  public void ensureAvailable(long offset) {
    file.ensureAvailable(offset); // growing the file changes no byte MapDB has written
  }

  @Override
  public void truncate(long size) {
    file.truncate(size);
  }

  @Override
  public synchronized void close() {
    try {
      if (dirty) {
        // Writes never synced belong to a commit that never finished: it did not happen.
        log.warn("store closed with {} journaled writes of an unfinished commit: dropped", pending.size());
        dropPending();
      }
      checkpoint(); // a clean close leaves the file whole on disk and the journal empty
      journal.close();
    } catch (IOException e) {
      log.warn("closing the store journal {}: {}", journalPath, e.toString());
    }
    file.close();
  }

  @Override
  public int sliceSize() {
    return file.sliceSize();
  }

  @Override
  public boolean isSliced() {
    return file.isSliced();
  }

  @Override
  public long length() {
    return Math.max(file.length(), highestEnd);
  }

  @Override
  public boolean isReadOnly() {
    return file.isReadOnly();
  }

  @Override
  public File getFile() {
    return file.getFile();
  }

  @Override
  public boolean getFileLocked() {
    return file.getFileLocked();
  }

  @Override
  public boolean fileLoad() {
    return file.fileLoad();
  }
}

package dev.pagekeep.store;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.mapdb.DataInput2;
import org.mapdb.volume.ByteArrayVol;
import org.mapdb.volume.Volume;

/**
 * One of MapDB's own WAL "files", kept in memory, its memory used again by the next commit's.
 * {@code StoreWAL} logs a transaction's records to its WAL until the commit writes them into the
 * store file, reads them from there meanwhile, and drops the WAL after every commit; nothing reads
 * one after a restart ({@code StoreWAL} never replays it, see {@link JournaledVolume}): the store
 * file's journal is what makes a commit durable and atomic. As memory-mapped files, made and
 * deleted by every commit, each of their pages was a fresh page fault, besides an open, a map, a
 * truncate and an unlink per commit: about a fifth of the store writer's CPU on small pages (perf).
 *
 * <p>{@link #close()} (after {@code truncate(0)}, as {@code StoreWAL} drops its WAL) zeroes what
 * the commit wrote and hands the memory to the {@link Pool}, so the next WAL reads zeros wherever it
 * has not written, as a new file would; {@link #deleteFile()} has no file to delete.
 */
final class HeapWalVolume extends Volume {
  /** The WALs' memory between commits: at most {@link #KEPT} volumes of at most {@link #KEPT_BYTES} each. */
  static final class Pool {
    static final int KEPT = 2;
    static final long KEPT_BYTES = 4L << 20;
    private final ArrayDeque<ByteArrayVol> free = new ArrayDeque<>();

    synchronized HeapWalVolume take(int sliceShift) {
      ByteArrayVol v = free.pollFirst();
      if (v == null || v.sliceSize() != 1 << sliceShift) v = new ByteArrayVol(sliceShift, 0L);
      return new HeapWalVolume(v, this);
    }

    private synchronized void give(ByteArrayVol v) {
      if (free.size() < KEPT && v.length() <= KEPT_BYTES) free.addFirst(v);
      else v.close();
    }

    synchronized int size() {
      return free.size();
    }
  }

  private final ByteArrayVol vol;
  private final Pool pool;
  /** The end of what this WAL wrote: the part to zero before the memory is used again. */
  private long used;
  private volatile boolean closed;

  private HeapWalVolume(ByteArrayVol vol, Pool pool) {
    this.vol = vol;
    this.pool = pool;
  }

  private void wrote(long end) {
    if (end > used) used = end;
  }

  @Override
  public void sync() {
    // nothing: see the class comment
  }

  @Override
  public void ensureAvailable(long offset) { vol.ensureAvailable(offset); }

  /** Zeroes from {@code size} on; the memory stays for the next WAL ({@code StoreWAL} truncates to 0 before close). */
  @Override
  public void truncate(long size) {
    long end = Math.min(used, vol.length());
    for (long at = size; at < end; ) { // a clear at a time within one slice, as ByteArrayVol asks
      long sliceEnd = (at / vol.sliceSize() + 1) * vol.sliceSize();
      long to = Math.min(end, sliceEnd);
      vol.clear(at, to);
      at = to;
    }
    used = Math.min(used, size);
  }

  @Override
  public void putLong(long offset, long value) { wrote(offset + 8); vol.putLong(offset, value); }

  @Override
  public void putInt(long offset, int value) { wrote(offset + 4); vol.putInt(offset, value); }

  @Override
  public void putByte(long offset, byte value) { wrote(offset + 1); vol.putByte(offset, value); }

  @Override
  public void putData(long offset, byte[] src, int srcPos, int srcSize) {
    wrote(offset + srcSize);
    vol.putData(offset, src, srcPos, srcSize);
  }

  @Override
  public void putDataOverlap(long offset, byte[] src, int srcPos, int srcSize) {
    wrote(offset + srcSize);
    vol.putDataOverlap(offset, src, srcPos, srcSize);
  }

  @Override
  public void putData(long offset, ByteBuffer buf) {
    wrote(offset + buf.remaining());
    vol.putData(offset, buf);
  }

  @Override
  public long getLong(long offset) { return vol.getLong(offset); }

  @Override
  public int getInt(long offset) { return vol.getInt(offset); }

  @Override
  public byte getByte(long offset) { return vol.getByte(offset); }

  @Override
  public DataInput2 getDataInput(long offset, int size) { return vol.getDataInput(offset, size); }

  @Override
  public DataInput2 getDataInputOverlap(long offset, int size) { return vol.getDataInputOverlap(offset, size); }

  @Override
  public void getData(long offset, byte[] bytes, int bytesPos, int size) { vol.getData(offset, bytes, bytesPos, size); }

  @Override
  public void clear(long startOffset, long endOffset) { vol.clear(startOffset, endOffset); }

  @Override
  public void clearOverlap(long startOffset, long endOffset) { vol.clearOverlap(startOffset, endOffset); }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    truncate(0);
    pool.give(vol);
  }

  @Override
  public boolean isClosed() { return closed; }

  @Override
  public void deleteFile() {
    // no file: see the class comment
  }

  @Override
  public int sliceSize() { return vol.sliceSize(); }

  @Override
  public boolean isSliced() { return vol.isSliced(); }

  @Override
  public long length() { return vol.length(); }

  @Override
  public boolean isReadOnly() { return false; }

  @Override
  public File getFile() { return null; }

  @Override
  public boolean getFileLocked() { return false; }

  @Override
  public boolean fileLoad() { return false; }
}

package dev.pagekeep.store;

import java.io.File;
import java.nio.ByteBuffer;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * One of MapDB's own WAL files, as MapDB makes it, except that {@link #sync()} does nothing.
 * {@code StoreWAL} keeps a transaction's records in its WAL until the commit copies them into the
 * store file, and forces the WAL first; but nothing ever reads a WAL file after a restart
 * ({@code StoreWAL} never replays it, see {@link JournaledVolume}): a commit is made durable and
 * atomic by the store file's journal alone. So that force bought nothing, and it cost a third of
 * every commit (an msync of a freshly made file, for each group of writes).
 */
final class UnsyncedWalVolume extends Volume {
  private final Volume wal;

  UnsyncedWalVolume(Volume wal) {
    this.wal = wal;
  }

  @Override
  public void sync() {
    // nothing: see the class comment
  }

  @Override
  public void ensureAvailable(long offset) { wal.ensureAvailable(offset); }

  @Override
  public void truncate(long size) { wal.truncate(size); }

  @Override
  public void putLong(long offset, long value) { wal.putLong(offset, value); }

  @Override
  public void putInt(long offset, int value) { wal.putInt(offset, value); }

  @Override
  public void putByte(long offset, byte value) { wal.putByte(offset, value); }

  @Override
  public void putData(long offset, byte[] src, int srcPos, int srcSize) { wal.putData(offset, src, srcPos, srcSize); }

  @Override
  public void putDataOverlap(long offset, byte[] src, int srcPos, int srcSize) {
    wal.putDataOverlap(offset, src, srcPos, srcSize);
  }

  @Override
  public void putData(long offset, ByteBuffer buf) { wal.putData(offset, buf); }

  @Override
  public long getLong(long offset) { return wal.getLong(offset); }

  @Override
  public int getInt(long offset) { return wal.getInt(offset); }

  @Override
  public byte getByte(long offset) { return wal.getByte(offset); }

  @Override
  public DataInput2 getDataInput(long offset, int size) { return wal.getDataInput(offset, size); }

  @Override
  public DataInput2 getDataInputOverlap(long offset, int size) { return wal.getDataInputOverlap(offset, size); }

  @Override
  public void getData(long offset, byte[] bytes, int bytesPos, int size) { wal.getData(offset, bytes, bytesPos, size); }

  @Override
  public void clear(long startOffset, long endOffset) { wal.clear(startOffset, endOffset); }

  @Override
  public void clearOverlap(long startOffset, long endOffset) { wal.clearOverlap(startOffset, endOffset); }

  @Override
  public void close() { wal.close(); }

  @Override
  public boolean isClosed() { return wal.isClosed(); }

  @Override
  public void deleteFile() { wal.deleteFile(); }

  @Override
  public int sliceSize() { return wal.sliceSize(); }

  @Override
  public boolean isSliced() { return wal.isSliced(); }

  @Override
  public long length() { return wal.length(); }

  @Override
  public boolean isReadOnly() { return wal.isReadOnly(); }

  @Override
  public File getFile() { return wal.getFile(); }

  @Override
  public boolean getFileLocked() { return wal.getFileLocked(); }

  @Override
  public boolean fileLoad() { return wal.fileLoad(); }
}

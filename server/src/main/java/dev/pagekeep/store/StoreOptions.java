package dev.pagekeep.store;

import java.nio.file.Path;
import org.mapdb.CC;
import org.mapdb.DB;
import org.mapdb.StoreWAL;
import org.mapdb.volume.VolumeFactory;

/**
 * How the archive's MapDB file is set up: the twelve positional arguments of
 * {@code StoreWAL.make} and the five of {@code new DB(...)}, by name, each with why. Together they
 * build what {@code DBMaker.fileDB(file).transactionEnable().fileMmapEnable().fileMmapPreclearDisable().make()}
 * builds, except that the volumes come from the caller ({@link JournaledVolume#factory}: the
 * store file journaled so that a commit is all or nothing), which DBMaker cannot be told.
 */
final class StoreOptions {
  /** The archive's one set-up. */
  static final StoreOptions ARCHIVE = new StoreOptions();

  /**
   * How long to wait for the file lock: not at all. A second process on the same data dir (a
   * second {@code pagekeep serve}, or {@code pagekeep verify} while it runs) fails at once with a
   * reason instead of hanging.
   */
  final long fileLockWaitMillis = 0L;

  /** Locks inside MapDB: readers run on the HTTP threads while the store writer commits. */
  final boolean threadSafe = true;

  /** MapDB's lock segments (2^3), its default; the writer is single-threaded anyway. */
  final int concurrencyShift = CC.STORE_DIRECT_CONC_SHIFT;

  /**
   * 0: MapDB's default, the file grows (and is mapped) in 1 MiB slices ({@code CC.PAGE_SIZE});
   * {@link JournaledVolume#forceWritten} forces a checkpoint's slices at that grain.
   */
  final long allocateIncrement = 0L;

  /** 0: a new archive starts as small as MapDB allows. */
  final long allocateStartSize = 0L;

  /** The archive is kept: never deleted on close or open (these are for MapDB's temp files). */
  final boolean deleteFileAfterClose = false;

  final boolean deleteFileAfterOpen = false;

  /** No per-record checksums: StoreWAL refuses them ("does not support checksum yet"). */
  final boolean recordChecksums = false;

  /** The header's checksum is written and checked at open: a damaged header fails the open with a reason. */
  final boolean headerChecksum = true;

  /** A header whose checksum is wrong is not opened anyway. */
  final boolean bypassHeaderChecksum = false;

  /** No JVM shutdown hook: the service closes the store itself, after its writer has drained. */
  final int shutdownHook = 0;

  private StoreOptions() {}

  /** Opens (or creates) the MapDB file {@code file} on {@code volumes}. */
  DB open(Path file, VolumeFactory volumes) {
    String name = file.toString();
    boolean exists = volumes.exists(name); // an existing file's catalog is read, not written afresh
    StoreWAL wal = StoreWAL.make(name, volumes, fileLockWaitMillis, threadSafe, concurrencyShift,
        allocateIncrement, allocateStartSize, deleteFileAfterClose, deleteFileAfterOpen,
        recordChecksums, headerChecksum, bypassHeaderChecksum);
    return new DB(wal, exists, threadSafe, StoreOptions.class.getClassLoader(), shutdownHook);
  }
}

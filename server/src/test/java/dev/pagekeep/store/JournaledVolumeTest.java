package dev.pagekeep.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.volume.Volume;

/**
 * The redo journal under the store file: a commit cut off at any point after its seal is finished
 * at the next open, one cut off before it leaves the file as the last commit left it. The "crash"
 * is {@link JournaledVolume#abandon}: files let go of with nothing more written, as SIGKILL does.
 */
class JournaledVolumeTest {
  @TempDir Path dir;

  private JournaledVolume open(Path file) {
    return (JournaledVolume) JournaledVolume.factory(file).makeVolume(file.toString(), false, 0L, 20, 0L, false);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String read(Volume v, long offset, int len) {
    byte[] b = new byte[len];
    v.getData(offset, b, 0, len);
    return new String(b, StandardCharsets.US_ASCII);
  }

  private void firstCommit(JournaledVolume v) {
    v.ensureAvailable(1 << 20);
    v.putLong(0, 1L);
    v.putData(100, ascii("first."), 0, 6);
    v.sync();
  }

  @Test
  void aCommitCutOffHalfAppliedIsFinishedAtTheNextOpen() throws Exception {
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file);
    firstCommit(v);
    v.putLong(0, 2L);
    v.putData(100, ascii("second"), 0, 6);
    v.putLong(300_000, 7L);
    v.seal();
    v.applySealed(1); // the kill comes after the first of three writes reached the file
    v.abandon();

    JournaledVolume again = open(file);
    assertThat(again.getLong(0)).isEqualTo(2L);
    assertThat(read(again, 100, 6)).isEqualTo("second");
    assertThat(again.getLong(300_000)).isEqualTo(7L);
    assertThat(Files.size(dir.resolve("archive.db.redo"))).as("journal emptied once applied").isZero();
    again.close();
  }

  /**
   * A commit of thousands of small writes and writes larger than the read-back chunk: the file
   * gets every byte in order, whether the commit applies it or the next open does.
   */
  @Test
  void aCommitOfManySmallAndSomeLargeWritesReachesTheFileWholeAppliedOrRecovered() throws Exception {
    for (boolean crash : new boolean[] {false, true}) {
      Path file = dir.resolve("big-" + crash + ".db");
      JournaledVolume v = open(file);
      v.ensureAvailable(4 << 20);
      java.util.Random random = new java.util.Random(7);
      byte[] expected = new byte[4 << 20];
      for (int i = 0; i < 40_000; i++) { // ~0.9 MB of entries: several chunks, with overwrites
        long offset = 8L * random.nextInt(expected.length / 8);
        long value = random.nextLong();
        v.putLong(offset, value);
        java.nio.ByteBuffer.wrap(expected).putLong((int) offset, value);
      }
      int slice = 0;
      for (int size : new int[] {300_000, 1_000_000, 5}) { // longer than a chunk, and after them small again
        byte[] data = new byte[size];
        random.nextBytes(data);
        int offset = (slice++ << 20) + random.nextInt((1 << 20) - size); // as MapDB, within one 1 MiB slice
        v.putData(offset, data, 0, size);
        System.arraycopy(data, 0, expected, offset, size);
      }
      if (crash) {
        v.seal();
        v.applySealed(0);
        v.abandon();
        v = open(file);
      } else {
        v.sync();
      }
      byte[] actual = new byte[expected.length];
      for (int at = 0; at < actual.length; at += 1 << 20) v.getData(at, actual, at, 1 << 20); // a slice at a time
      assertThat(actual).as(crash ? "recovered" : "applied").isEqualTo(expected);
      v.close();
    }
  }

  /**
   * A commit's writes reach the mapped file with pwrite, not through the mapping (which the
   * checkpoint's fsync write-protects page by page): writes that continue one another go out as one
   * call, an overlapping one after them still wins, cleared ranges read as zeros, and the store
   * reads all of it at once through its mapping, as the file on disk holds it.
   */
  @Test
  void aCommitsWritesGoToTheFileTogetherInOrderAndTheMappingReadsThem() throws Exception {
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file);
    v.ensureAvailable(2 << 20);
    v.putData(0, new byte[] {9, 9, 9, 9, 9, 9, 9, 9}, 0, 8);
    v.sync();
    long before = v.fileWriteCalls();
    assertThat(before).as("the first commit went out with pwrite").isPositive();

    for (int i = 0; i < 1000; i++) v.putLong(4096 + 8L * i, i + 1L); // as MapDB writes a record's longs
    v.putLong(4096 + 8 * 10 + 4, -1L); // overlaps two of them, after them: its bytes win
    v.clear(4096 + 8 * 500, 4096 + 8 * 502); // two of them zeroed
    v.putData(1_500_000, ascii("far away"), 0, 8); // in another slice
    v.clear(0, 4); // half of the first commit's bytes
    v.sync();
    long calls = v.fileWriteCalls() - before;
    assertThat(calls).as("1,004 writes in a handful of calls").isBetween(3L, 8L);

    java.nio.ByteBuffer expected = java.nio.ByteBuffer.allocate(2 << 20);
    expected.put(0, new byte[] {0, 0, 0, 0, 9, 9, 9, 9});
    for (int i = 0; i < 1000; i++) expected.putLong(4096 + 8 * i, i + 1L);
    expected.putLong(4096 + 8 * 10 + 4, -1L);
    expected.putLong(4096 + 8 * 500, 0L).putLong(4096 + 8 * 501, 0L);
    expected.put(1_500_000, ascii("far away"));
    byte[] mapped = new byte[2 << 20];
    for (int at = 0; at < mapped.length; at += 1 << 20) v.getData(at, mapped, at, 1 << 20);
    assertThat(mapped).as("read through the store's mapping").isEqualTo(expected.array());
    byte[] onDisk = java.util.Arrays.copyOf(Files.readAllBytes(file), 2 << 20);
    assertThat(onDisk).as("read from the file").isEqualTo(expected.array());
    v.close();
  }

  @Test
  void aCommitCutOffBeforeItsSealLeavesTheLastCommitIntact() throws Exception {
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file);
    firstCommit(v);
    v.putLong(0, 2L);
    byte[] big = new byte[200_000]; // bigger than the write buffer: these bytes reach the journal file
    java.util.Arrays.fill(big, (byte) 'x');
    v.putData(100, big, 0, big.length);
    assertThat(Files.size(dir.resolve("archive.db.redo"))).isPositive();
    v.abandon();

    JournaledVolume again = open(file);
    assertThat(again.getLong(0)).isEqualTo(1L);
    assertThat(read(again, 100, 6)).isEqualTo("first.");
    assertThat(Files.size(dir.resolve("archive.db.redo"))).isZero();
    again.close();
  }

  @Test
  void writesReachTheFileOnlyAtTheCommitsSync() throws Exception {
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file);
    firstCommit(v);
    v.putData(102, ascii("RS"), 0, 2);
    v.putLong(8, 42L);
    v.clear(0, 8);
    assertThat(new String(Files.readAllBytes(file), 100, 6, StandardCharsets.US_ASCII))
        .as("the file itself is untouched until the commit's sync").isEqualTo("first.");
    v.sync();
    assertThat(read(v, 100, 6)).isEqualTo("fiRSt.");
    v.close();

    JournaledVolume again = open(file);
    assertThat(read(again, 100, 6)).isEqualTo("fiRSt.");
    assertThat(again.getLong(8)).isEqualTo(42L);
    assertThat(again.getLong(0)).isZero();
    again.close();
  }

  @Test
  void aReadBeforeTheSyncIsARollbackAndDropsTheUnfinishedCommit() throws Exception {
    // StoreWAL reads the file mid-commit only to roll back a commit that failed.
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file);
    firstCommit(v);
    v.putLong(0, 9L);
    v.putData(100, ascii("broken"), 0, 6);
    assertThat(v.getLong(0)).as("the last whole commit").isEqualTo(1L);
    v.putLong(16, 5L); // the next commit
    v.sync();
    assertThat(read(v, 100, 6)).isEqualTo("first.");
    assertThat(v.getLong(16)).isEqualTo(5L);
    v.close();

    JournaledVolume again = open(file);
    assertThat(again.getLong(0)).isEqualTo(1L);
    assertThat(read(again, 100, 6)).isEqualTo("first.");
    assertThat(again.getLong(16)).isEqualTo(5L);
    again.close();
  }

  @Test
  void aCheckpointForcesOnlyTheSlicesWrittenSinceTheLastOne() throws Exception {
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file); // 1 MiB slices
    v.ensureAvailable(8L << 20);
    v.putLong(100, 1L);                                        // slice 0
    v.putData((3L << 20) + 3, ascii("inside"), 0, 6);          // slice 3 (MapDB never writes across slices)
    v.sync();
    v.putLong((5L << 20) + 10, 5L);                            // slice 5, in the next commit
    v.sync();
    assertThat(Files.size(journal())).as("both commits wait in the journal for a checkpoint").isPositive();
    v.checkpoint();
    assertThat(v.lastForcedSlices()).as("slices 0, 3 and 5 of 8").isEqualTo(3);
    assertThat(Files.size(journal())).as("a checkpoint empties the journal").isZero();
    v.close();
    JournaledVolume again = open(file);
    assertThat(again.getLong(100)).isEqualTo(1L);
    assertThat(read(again, (3L << 20) + 3, 6)).isEqualTo("inside");
    assertThat(again.getLong((5L << 20) + 10)).isEqualTo(5L);
    again.close();
  }

  private Path journal() {
    return dir.resolve("archive.db.redo");
  }

  /** What a power cut can leave of writes that reached the page cache but were never forced: anything. */
  private static void scribble(Path file, long offset, byte[] junk) throws Exception {
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(junk), offset);
    }
  }

  @Test
  void everyCommitSinceTheLastCheckpointIsAppliedAgainInOrderAfterACrash() throws Exception {
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file);
    firstCommit(v);                  // commit 1: long 0 = 1, "first." at 100
    v.putLong(8, 2L);                // commit 2
    v.putData(100, ascii("second"), 0, 6);
    v.sync();
    v.putData(100, ascii("THIRD."), 0, 6); // commit 3
    v.putLong(0, 3L);
    v.sync();
    v.abandon();
    // The file's writes since the checkpoint were never forced: say the disk kept none of them whole.
    scribble(file, 0, new byte[16]);
    scribble(file, 100, ascii("??????"));

    JournaledVolume again = open(file);
    assertThat(again.getLong(0)).as("commit 3, over commit 1").isEqualTo(3L);
    assertThat(again.getLong(8)).as("commit 2, written by no later commit").isEqualTo(2L);
    assertThat(read(again, 100, 6)).as("the last commit wins").isEqualTo("THIRD.");
    assertThat(Files.size(journal())).isZero();
    again.close();
  }

  @Test
  void aTornCommitAfterSealedOnesIsDroppedAndTheSealedOnesKept() throws Exception {
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file);
    firstCommit(v);
    v.putLong(8, 2L);
    v.sync();
    v.putLong(8, 99L); // the commit the kill cuts off before its seal
    byte[] big = new byte[200_000];
    java.util.Arrays.fill(big, (byte) 'x');
    v.putData(100, big, 0, big.length);
    v.abandon();
    scribble(file, 8, new byte[8]); // and commit 2's write never reached the disk

    JournaledVolume again = open(file);
    assertThat(again.getLong(0)).isEqualTo(1L);
    assertThat(again.getLong(8)).isEqualTo(2L);
    assertThat(read(again, 100, 6)).isEqualTo("first.");
    again.close();
  }

  @Test
  void garbageAfterTheSealedSegmentsIsATornTailNotACommit() throws Exception {
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file);
    firstCommit(v);
    v.abandon();
    long sealedEnd = Files.size(journal());
    // An empty write, then one claiming more bytes than any journal has (its end overflows a
    // position), then bytes that are no trailer.
    java.nio.ByteBuffer junk = java.nio.ByteBuffer.allocate(60).put((byte) 0).putLong(0).putLong(0)
        .put((byte) 0).putLong(100).putLong(Long.MAX_VALUE).put(ascii("not a trailer, just bytes"), 0, 23);
    scribble(journal(), sealedEnd, junk.array());

    JournaledVolume again = open(file);
    assertThat(again.getLong(0)).isEqualTo(1L);
    assertThat(read(again, 100, 6)).isEqualTo("first.");
    assertThat(Files.size(journal())).isZero();
    again.close();
  }

  @Test
  void aCheckpointIsDueEveryFewCommitsRunsWhenAskedOrLongOverdueAndAtACleanClose() throws Exception {
    Path file = dir.resolve("archive.db");
    JournaledVolume v = open(file);
    v.ensureAvailable(1 << 20);
    for (int i = 1; i < JournaledVolume.CHECKPOINT_COMMITS; i++) {
      v.putLong(8L * i, i);
      v.sync();
    }
    v.checkpointIfDue();
    assertThat(Files.size(journal())).as("commits wait for the checkpoint").isPositive();
    v.putLong(0, 7L);
    v.sync();
    assertThat(Files.size(journal())).as("a commit leaves the due checkpoint to its writer").isPositive();
    v.checkpointIfDue();
    assertThat(Files.size(journal())).as("due after " + JournaledVolume.CHECKPOINT_COMMITS + " commits").isZero();
    // Nobody asks: the commit that makes it long overdue runs it itself.
    int overdue = JournaledVolume.OVERDUE * JournaledVolume.CHECKPOINT_COMMITS;
    for (int i = 1; i < overdue; i++) {
      v.putLong(0, 100L + i);
      v.sync();
    }
    assertThat(Files.size(journal())).isPositive();
    v.putLong(0, 9L);
    v.sync();
    assertThat(Files.size(journal())).as("the " + overdue + "th commit without a checkpoint runs one").isZero();
    v.putLong(0, 8L);
    v.sync();
    assertThat(Files.size(journal())).isPositive();
    v.close();
    assertThat(Files.size(journal())).as("a clean close checkpoints").isZero();
    JournaledVolume again = open(file);
    assertThat(again.getLong(0)).isEqualTo(8L);
    assertThat(again.getLong(8L * 5)).isEqualTo(5L);
    again.close();
  }

  /**
   * MapDB's own WAL is kept in memory, never journaled nor forced, and no file: a WAL reads what
   * it wrote; once dropped (truncate, close, delete, as StoreWAL does after each commit) its memory
   * goes to the next WAL zeroed, as a new file would read; and WAL files a kill left from before
   * are deleted when the store opens.
   */
  @Test
  void mapDbsOwnWalIsInMemoryAndANewOneReadsZerosWhereItDidNotWrite() throws Exception {
    Path file = dir.resolve("archive.db");
    Files.write(Path.of(file + ".wal.0"), ascii("left by a kill"));
    var factory = JournaledVolume.factory(file);
    Volume store = factory.makeVolume(file.toString(), false, 0L, 20, 0L, false);
    assertThat(store).isInstanceOf(JournaledVolume.class);
    assertThat(Files.exists(Path.of(file + ".wal.0"))).as("an old WAL file is deleted at open").isFalse();

    Volume wal = factory.makeVolume(file + ".wal.0", false, 0L, 20, 0L, false);
    assertThat(wal).isInstanceOf(HeapWalVolume.class);
    wal.ensureAvailable(2 << 20);
    wal.putData(10, ascii("record"), 0, 6);
    wal.putLong(1_500_000, 42L); // in the second slice
    wal.sync(); // a no-op: nothing reads MapDB's WAL after a restart
    assertThat(read(wal, 10, 6)).isEqualTo("record");
    assertThat(wal.getLong(1_500_000)).isEqualTo(42L);
    assertThat(Files.exists(Path.of(file + ".wal.0"))).as("no file").isFalse();
    wal.truncate(0);
    wal.close();
    wal.deleteFile(); // as StoreWAL drops its WAL after each commit
    assertThat(factory.walPool().size()).as("its memory kept for the next").isEqualTo(1);

    Volume next = factory.makeVolume(file + ".wal.0", false, 0L, 20, 0L, false);
    assertThat(factory.walPool().size()).as("the kept memory taken").isZero();
    next.ensureAvailable(2 << 20);
    assertThat(read(next, 10, 6)).isEqualTo("\0\0\0\0\0\0");
    assertThat(next.getLong(1_500_000)).isZero();
    next.close(); // closed without a truncate first: zeroed all the same
    Volume third = factory.makeVolume(file + ".wal.1", false, 0L, 20, 0L, false);
    third.ensureAvailable(2 << 20);
    third.putLong(8, 7L);
    third.close();
    Volume fourth = factory.makeVolume(file + ".wal.0", false, 0L, 20, 0L, false);
    fourth.ensureAvailable(2 << 20);
    assertThat(fourth.getLong(8)).isZero();
    fourth.close();
    store.close();
  }

}

package dev.pagekeep.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mapdb.Atomic;
import org.mapdb.DB;
import org.mapdb.DBMaker;

/** The writer's order of work around a commit, on a real (in-memory) MapDB. */
class StoreWriterTest {

  /** An upkeep that blocks in afterCommit until released, and counts its calls. */
  private static final class HeldUpkeep implements StoreWriter.Upkeep {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger afterCommits = new AtomicInteger();

    @Override
    public void afterCommit() {
      afterCommits.incrementAndGet();
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void idle() {}
  }

  @Test
  void theUpkeepAfterACommitRunsOnceItsCallerIsAnsweredAndBlocksNoReader() throws Exception {
    DB db = DBMaker.memoryDB().transactionEnable().make();
    Atomic.Long counter = db.atomicLong("n").createOrOpen();
    db.commit();
    HeldUpkeep upkeep = new HeldUpkeep();
    StoreWriter writer = new StoreWriter(db, null, upkeep, () -> {});
    try {
      // The write returns while its upkeep is still held: the caller did not wait for a checkpoint.
      CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> writer.write(counter::incrementAndGet));
      assertThat(written.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
      assertThat(upkeep.entered.await(10, TimeUnit.SECONDS)).as("the upkeep ran after the commit").isTrue();
      // A reader during the upkeep sees the committed write, without waiting for the upkeep.
      CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> writer.read(counter::get));
      assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
      assertThat(upkeep.release.getCount()).as("still held while the reader read").isEqualTo(1);
    } finally {
      upkeep.release.countDown();
      writer.close();
      db.close();
    }
    assertThat(upkeep.afterCommits.get()).isEqualTo(1);
  }
}

package dev.pagekeep.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.mapdb.DB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit policy, in one place. All writes run on one thread; each write is applied whole
 * and the thread commits before it answers, so "returned" means "durable". Writes that arrive
 * while a commit runs are applied together and share the next commit (group commit): many
 * concurrent acknowledgements cost one commit, and no caller is answered before its commit.
 * A write that throws is rolled back alone: the batch is rolled back and replayed one by one.
 * Readers take the read lock so they never see a half-applied write.
 */
final class StoreWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
  // Small groups: a probe here found MapDB unopenable after kill -9 with 100-write transactions.
  private static final int MAX_BATCH = 64;

  private record Task<T>(long bytes, Supplier<T> work, CompletableFuture<T> done) {}

  /**
   * The store file's upkeep (its checkpoints: see {@code JournaledVolume}), run on the writer's
   * thread between batches, so never inside a commit, and without the lock, as it changes nothing
   * a reader sees.
   */
  interface Upkeep {
    Upkeep NONE = new Upkeep() {
      @Override public void afterCommit() {}
      @Override public void idle() {}
    };

    /** After a batch is committed and its callers answered. */
    void afterCommit();

    /** After commits, once the writer has waited 200 ms for work. */
    void idle();
  }

  /**
   * Free space kept in reserve. MapDB cannot survive running out of disk mid-write (a probe here
   * left a store that no longer opens), so writes are refused while they still fit: the WAL
   * writes every byte twice, hence the factor 2 on the batch's size.
   */
  static final long RESERVE_BYTES = Long.getLong("pagekeep.store.reserveBytes", 32L * 1024 * 1024);

  private final DB db;
  private final java.nio.file.Path dir;
  /**
   * The file system under {@code dir}, looked up once: {@code Files.getFileStore} reads and parses
   * /proc/mounts on every call (80-100 us here, more with many mounts), and it ran at every commit.
   */
  private java.nio.file.FileStore fileStore;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final BlockingQueue<Task<?>> tasks = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final Upkeep upkeep;
  private final Runnable rolledBack;
  private volatile boolean closed;

  /**
   * A writer for {@code db} (free space checked under {@code dirOrNull}, when given);
   * {@code rolledBack} runs after each rollback, for what the parts keep beside the file.
   */
  StoreWriter(DB db, java.nio.file.Path dirOrNull, Upkeep upkeep, Runnable rolledBack) {
    this.db = db;
    this.dir = dirOrNull;
    this.upkeep = upkeep;
    this.rolledBack = rolledBack;
    this.thread = new Thread(this::run, "store-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Runs a write on the writer thread and returns once it is committed. */
  <T> T write(Supplier<T> work) {
    return write(4096, work);
  }

  /** As {@link #write(Supplier)}, for a write of about {@code bytes} bytes (checked against free space). */
  <T> T write(long bytes, Supplier<T> work) {
    if (closed) throw new StoreException("the store is closed", null);
    CompletableFuture<T> done = new CompletableFuture<>();
    tasks.add(new Task<>(bytes, work, done));
    try {
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a commit", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new StoreException("write failed: " + e.getCause(), e.getCause());
    }
  }

  /** Runs a read under the read lock: it sees whole writes only. */
  <T> T read(Supplier<T> work) {
    lock.readLock().lock();
    try {
      return work.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private void run() {
    List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
    boolean wrote = false;
    while (!closed || !tasks.isEmpty()) {
      try {
        Task<?> first = tasks.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (first == null) {
          if (wrote) upkeep(upkeep::idle);
          wrote = false;
          continue;
        }
        batch.add(first);
        tasks.drainTo(batch, MAX_BATCH - 1);
        wrote = true;
        applyBatch(batch);
        upkeep(upkeep::afterCommit);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable e) {
        // The writer must never die: fail this batch, keep serving the next one.
        log.error("store writer: {}", e.toString());
        for (Task<?> t : batch) t.done().completeExceptionally(translate(e));
      } finally {
        batch.clear();
      }
    }
  }

  private void applyBatch(List<Task<?>> batch) {
    if (!hasRoomFor(batch)) {
      StoreFullException full = new StoreFullException(
          "the disk under the archive is full (less than " + RESERVE_BYTES / (1024 * 1024) + " MB free): nothing was saved", null);
      for (Task<?> t : batch) t.done().completeExceptionally(full);
      return;
    }
    lock.writeLock().lock();
    try {
      Object[] results = new Object[batch.size()];
      try {
        for (int i = 0; i < batch.size(); i++) results[i] = batch.get(i).work().get();
        db.commit();
      } catch (RuntimeException | Error e) {
        safeRollback();
        if (batch.size() == 1) {
          batch.get(0).done().completeExceptionally(translate(e));
        } else {
          applyOneByOne(batch); // find the bad write; the others still commit
        }
        return;
      }
      for (int i = 0; i < batch.size(); i++) complete(batch.get(i), results[i]);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static void upkeep(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      log.warn("store upkeep: {}", e.toString());
    }
  }

  private void applyOneByOne(List<Task<?>> batch) {
    for (Task<?> t : batch) {
      try {
        Object result = t.work().get();
        db.commit();
        complete(t, result);
      } catch (RuntimeException | Error e) {
        safeRollback();
        t.done().completeExceptionally(translate(e));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void complete(Task<?> t, Object result) {
    ((CompletableFuture<Object>) t.done()).complete(result);
  }

  private boolean hasRoomFor(List<Task<?>> batch) {
    if (dir == null) return true;
    long bytes = 0;
    for (Task<?> t : batch) bytes += t.bytes();
    try {
      if (fileStore == null) fileStore = java.nio.file.Files.getFileStore(dir);
      return fileStore.getUsableSpace() >= RESERVE_BYTES + 2 * bytes;
    } catch (java.io.IOException e) {
      return true; // cannot tell: let the write try
    }
  }

  private void safeRollback() {
    try {
      db.rollback();
    } catch (RuntimeException | Error e) {
      log.error("rollback failed: {}", e.toString());
    } finally {
      rolledBack.run();
    }
  }

  static RuntimeException translate(Throwable e) {
    if (e instanceof StoreException se) return se;
    if (e instanceof IllegalArgumentException iae) return iae;
    String text = String.valueOf(e.getMessage());
    Throwable c = e;
    while (c != null) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("No space left") || m.contains("Disk quota")) {
        return new StoreFullException("the disk under the archive is full: nothing was saved", e);
      }
      c = c.getCause();
    }
    return new StoreException("store write failed: " + e.getClass().getSimpleName() + ": " + text, e);
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

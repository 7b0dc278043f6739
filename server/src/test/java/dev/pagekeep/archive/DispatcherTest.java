package dev.pagekeep.archive;

import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.store.ArchiveStore.Enqueued;
import dev.pagekeep.store.ArchiveStore.NewSave;
import dev.pagekeep.store.MapDbArchiveStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatcher's admission policy, on a real (in-memory) store with a recording executor and a
 * recording job: every step is run by the test, so nothing sleeps and nothing races.
 */
class DispatcherTest {
  private final MapDbArchiveStore store = MapDbArchiveStore.inMemory();
  private final RecordingExecutor executor = new RecordingExecutor();
  private final RecordingJob job = new RecordingJob();
  private final RecordingTimer timer = new RecordingTimer();
  private final RecordingReader reader = new RecordingReader();
  private Dispatcher dispatcher;

  @AfterEach
  void close() {
    store.close();
  }

  private Dispatcher dispatcher(int maxPages, int maxPagesPerHost) {
    dispatcher = new Dispatcher(reader, job, maxPages, maxPagesPerHost, executor, timer, () -> {});
    return dispatcher;
  }

  private List<Save> queue(String source, String host, int count) {
    List<NewSave> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) batch.add(new NewSave("https://" + host + "/" + source + "/" + i, source, null, null));
    List<Save> out = new ArrayList<>();
    for (Enqueued e : store.enqueue(batch)) out.add(e.save());
    return out;
  }

  private List<String> startedUrls() {
    List<String> out = new ArrayList<>();
    for (long id : job.started) out.add(store.save(id).orElseThrow().url());
    return out;
  }

  @Test
  void interactiveSaveQueuedBehindThousandsOfImportSavesStartsNext() {
    Dispatcher d = dispatcher(1, 1);
    queue("import", "bulk.example", 600); // more than the ready window holds
    d.start();
    executor.runAll();
    assertEquals(List.of("https://bulk.example/import/0"), startedUrls());

    List<Save> click = queue("toolbar", "news.example", 1);
    d.enqueued(click);
    executor.runAll();
    assertEquals(1, job.started.size(), "the page slot is taken: the toolbar save waits for it, no more");

    job.finish(job.started.get(0));
    executor.runAll();
    assertEquals("https://news.example/toolbar/0", startedUrls().get(1), "the toolbar save is next, before 599 import saves");
    job.finish(job.started.get(1));
    executor.runAll();
    assertEquals("https://bulk.example/import/1", startedUrls().get(2), "then the import goes on in order");
  }

  @Test
  void aPageWaitingForItsCommitGivesItsSlotsToTheNextSave() {
    Dispatcher d = dispatcher(2, 1);
    queue("import", "a.example", 4);
    d.start();
    executor.runAll();
    assertEquals(List.of("https://a.example/import/0"), startedUrls(), "one page of the host at a time");

    job.fetched(job.started.get(0)); // fetched and parsed: only its commit is left
    executor.runAll();
    assertEquals(List.of("https://a.example/import/0", "https://a.example/import/1"), startedUrls(),
        "the host's slot went to the next page while the first waits for the disk");
    assertTrue(d.isRunning(job.started.get(0)), "a page waiting for its commit is still in flight (not deletable, not started again)");
    assertEquals(2, d.runningCount());
    assertEquals(1, d.recordingCount());
    assertEquals(Map.of("a.example", 1), d.runningByHost());

    job.fetched(job.started.get(1));
    executor.runAll();
    assertEquals(3, job.started.size());
    job.fetched(job.started.get(2)); // maxPages (2) already wait for commits: this one keeps its slots
    executor.runAll();
    assertEquals(3, job.started.size(), "at most maxPages pages wait for commits without a slot");
    assertEquals(2, d.recordingCount());

    job.finish(job.started.get(0));
    job.finish(job.started.get(1));
    executor.runAll();
    assertEquals(3, job.started.size(), "the third still holds the host's one slot");
    job.finish(job.started.get(2));
    executor.runAll();
    assertEquals("https://a.example/import/3", startedUrls().get(3));
    job.finish(job.started.get(3));
    executor.runAll();
    assertEquals(0, d.runningCount());
    assertEquals(0, d.recordingCount());
    assertTrue(d.runningByHost().isEmpty());
  }

  @Test
  void aSignalAfterTheFinishOrTwiceChangesNothing() {
    Dispatcher d = dispatcher(1, 1);
    queue("import", "a.example", 3);
    d.start();
    executor.runAll();
    long first = job.started.get(0);
    job.fetched(first);
    job.fetched(first);
    executor.runAll();
    assertEquals(2, job.started.size(), "one signal frees one slot, however often it is given");
    assertEquals(1, d.recordingCount());
    job.finish(first);
    job.fetched(first); // late: the save is recorded already
    executor.runAll();
    assertEquals(2, job.started.size(), "the second page still holds the only slot");
    assertEquals(0, d.recordingCount());
    assertEquals(Map.of("a.example", 1), d.runningByHost());
  }

  @Test
  void interactiveSavesSortBeforeBulkOnesQueuedEarlier() {
    Dispatcher d = dispatcher(1, 1);
    queue("links-on-page", "a.example", 2);
    queue("watch", "b.example", 1);
    queue("cli", "c.example", 1);
    queue("context-menu", "d.example", 1);
    d.start();
    executor.runAll();
    for (int i = 0; i < 4; i++) {
      job.finish(job.started.get(i));
      executor.runAll();
    }
    assertEquals(List.of("https://c.example/cli/0", "https://d.example/context-menu/0",
        "https://a.example/links-on-page/0", "https://a.example/links-on-page/1", "https://b.example/watch/0"), startedUrls());
  }

  @Test
  void perHostPageCapSkipsABusyHostWithoutBlockingOthers() {
    Dispatcher d = dispatcher(8, 2);
    queue("import", "slow.example", 6);
    queue("import", "fast.example", 3);
    queue("import", "other.example", 1);
    d.start();
    executor.runAll();
    assertEquals(List.of("https://slow.example/import/0", "https://slow.example/import/1",
        "https://fast.example/import/0", "https://fast.example/import/1", "https://other.example/import/0"), startedUrls(),
        "two of each host (the cap), the saves of other hosts behind a busy one start at once");
    assertEquals(Map.of("slow.example", 2, "fast.example", 2, "other.example", 1), d.runningByHost());
    assertEquals(5, d.runningCount());
  }

  @Test
  void aHostWithThousandsOfQueuedSavesDoesNotHideOtherHostsQueuedAfterIt() {
    Dispatcher d = dispatcher(16, 4);
    queue("import", "slow.example", 3_000); // more than one promotion reads
    queue("import", "other.example", 3);
    d.start();
    executor.runAll();
    assertEquals(4, d.runningByHost().get("slow.example"));
    // the window needed several chunks to reach past the slow host's saves: each finish reads on
    for (int i = 0; i < 10 && !d.runningByHost().containsKey("other.example"); i++) {
      job.finish(job.started.get(i));
      executor.runAll();
    }
    assertEquals(3, d.runningByHost().get("other.example"), "the other host's saves started while the slow host's 3,000 wait");
    assertTrue(d.readyCount() <= 256, "the ready window is bounded, not the queue: " + d.readyCount());
  }

  @Test
  void finishingASavePromotesTheNextWithoutAnyOtherCall() {
    Dispatcher d = dispatcher(2, 2);
    queue("api", "a.example", 3);
    d.start();
    executor.runAll();
    assertEquals(2, job.started.size());
    assertFalse(d.isRunning(job.idOf("https://a.example/api/2")));

    job.finish(job.started.get(0));
    executor.runAll();
    assertEquals(3, job.started.size());
    assertTrue(d.isRunning(job.idOf("https://a.example/api/2")));
    assertEquals(1, d.finishedCount());
  }

  @Test
  void savesQueuedAtTheEndAreFoundWhenTheQueueGrows() {
    Dispatcher d = dispatcher(4, 4);
    d.start();
    queue("import", "a.example", 2);
    d.queueGrew();
    executor.runAll();
    assertEquals(2, job.started.size());
  }

  @Test
  void onceTheQueueIsReadToItsEndFinishesPromoteWithoutReadingTheStoreUntilSomethingIsQueued() {
    Dispatcher d = dispatcher(2, 2);
    queue("api", "a.example", 3);
    d.start();
    executor.runAll();
    assertEquals(2, job.started.size());
    // Queued in the store without telling the dispatcher: a finish does not go and look (no store
    // read on the finish path once the queue was read to its end), it takes the window's next.
    queue("import", "b.example", 1);
    job.finish(job.started.get(0));
    executor.runAll();
    assertEquals(3, job.started.size());
    job.finish(job.started.get(1));
    executor.runAll();
    assertEquals(3, job.started.size(), "the unannounced save is not read on a finish");
    // Every queueing path announces itself (API, import, watch, retry): then the store is read.
    d.queueGrew();
    executor.runAll();
    assertEquals(4, job.started.size());
    assertEquals("https://b.example/import/0", store.save(job.started.get(3)).orElseThrow().url());
  }

  @Test
  void aHostWithManyQueuedSavesIsReadAgainOnlyOnceItsWindowQuotaIsHalfUsed() {
    Dispatcher d = dispatcher(3, 2); // a.example: 2 running at most, 4 in the window
    queue("import", "a.example", 20);
    d.start();
    executor.runAll();
    assertEquals(2, job.started.size()); // 2 running, 2 ready (half the quota), 16 on disk
    job.finish(job.started.get(0)); // a pass: 4 of a.example ready, one of them starts
    executor.runAll();
    assertEquals(3, job.started.size());
    queue("import", "b.example", 1); // unannounced: found only by a pass over the store
    job.finish(job.started.get(1));
    executor.runAll();
    assertEquals(4, job.started.size());
    assertFalse(startedUrls().contains("https://b.example/import/0"),
        "a.example had more than half its quota ready: no pass, the free slot waits");
    job.finish(job.started.get(2)); // 3 ready before it: still no pass
    executor.runAll();
    assertFalse(startedUrls().contains("https://b.example/import/0"));
    job.finish(job.started.get(3)); // 2 ready = half the quota: a pass refills it and finds b.example
    executor.runAll();
    assertTrue(startedUrls().contains("https://b.example/import/0"), "found by the pass: " + startedUrls());
    assertEquals(3, d.runningCount());
  }

  @Test
  void oneHostWithMoreSavesThanAPassReadsIsArchivedToTheLastSave() {
    // bench/e2e.sh stalled so: one host, 256 pages at once; a pass that wrapped (clearing the hosts
    // it had left on disk) and then stopped early kept "drained", and 177 saves stayed on disk.
    Dispatcher d = dispatcher(256, 256);
    int total = 3000;
    queue("import", "one.example", total);
    d.start();
    executor.runAll();
    Set<Long> done = new HashSet<>();
    while (!job.pending.isEmpty()) {
      for (long id : new ArrayList<>(job.pending.keySet())) {
        job.finish(id);
        done.add(id);
        executor.runAll();
      }
    }
    assertEquals(total, done.size(), "every queued save was started; queued still: " + store.stats().queued());
  }

  @Test
  void diskFullPausesAdmissionUntilThePauseEnds() {
    Dispatcher d = dispatcher(1, 1);
    queue("api", "a.example", 2);
    d.start();
    executor.runAll();
    long first = job.started.get(0);

    job.complete(first, Dispatcher.Outcome.DISK_FULL); // the result could not be written: still queued
    executor.runAll();
    assertTrue(d.isPausedForDiskFull());
    assertEquals(1, job.started.size(), "nothing starts while the disk is full");
    assertEquals(List.of(Dispatcher.DISK_FULL_PAUSE_MS), timer.delays);
    d.enqueued(queue("toolbar", "b.example", 1));
    executor.runAll();
    assertEquals(1, job.started.size(), "not even a toolbar save");

    timer.fire();
    executor.runAll();
    assertFalse(d.isPausedForDiskFull());
    assertEquals(2, job.started.size());
    assertEquals(first, job.started.get(1), "the save that met the full disk is first in line again");
  }

  @Test
  void idleCallbackRunsOnceTheQueueIsDrained() {
    Dispatcher d = dispatcher(2, 2);
    AtomicInteger idle = new AtomicInteger();
    d.setIdleCallback(idle::incrementAndGet);
    queue("api", "a.example", 3);
    d.start();
    executor.runAll();
    job.finish(job.started.get(0));
    executor.runAll();
    job.finish(job.started.get(1));
    executor.runAll();
    assertEquals(0, idle.get(), "one save is still running");
    job.finish(job.started.get(2));
    executor.runAll();
    assertEquals(1, idle.get());
    assertEquals(0, d.runningCount());
    assertEquals(0, d.readyCount());
  }

  @Test
  void aRetriedSaveBehindTheCursorIsFoundAgain() {
    Dispatcher d = dispatcher(1, 1);
    List<Save> saves = queue("api", "a.example", 2);
    d.start();
    executor.runAll();
    job.finish(saves.get(0).id());
    executor.runAll();
    job.finish(saves.get(1).id());
    executor.runAll();
    Save again = store.retry(saves.get(0).id());
    d.rescan();
    executor.runAll();
    assertEquals(again.id(), job.started.get(2));
  }

  @Test
  void settersRefuseNonsenseWithTheValue() {
    Dispatcher d = dispatcher(1, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.setMaxPagesPerHost(0));
    assertEquals("maxPagesPerHost < 1: 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> d.setMaxPages(-1));
  }

  @Test
  void raisingTheCapStartsMoreAtOnce() {
    Dispatcher d = dispatcher(4, 1);
    queue("api", "a.example", 3);
    d.start();
    executor.runAll();
    assertEquals(1, job.started.size());
    d.setMaxPagesPerHost(3);
    executor.runAll();
    assertEquals(3, job.started.size());
  }

  @Test
  void anEnqueueNeverReadsTheStoreOnTheCallersThread() {
    // bench/api.sh's shape: one host with far more queued than its window quota, one page at a time.
    // Each acknowledgement used to run a pass in the request thread, whose store read waited for the
    // group commit under the dispatcher's lock: 64 connections went in single file (2,253 -> 396/s).
    Dispatcher d = dispatcher(2, 1); // one page of a.example at a time: a slot stays free for others
    queue("api", "a.example", 40);
    d.start();
    executor.runAll();
    for (int i = 0; i < 50; i++) {
      int before = reader.reads;
      d.enqueued(queue("api", "a.example", 1));
      assertEquals(before, reader.reads, "enqueue " + i + " read the store on the caller's thread");
      if (i % 5 == 0) {
        job.finish(job.started.get(job.started.size() - 1));
        executor.runAll();
      }
    }
    List<Save> click = queue("toolbar", "b.example", 1);
    int before = reader.reads;
    d.enqueued(click);
    assertEquals(before, reader.reads);
    assertTrue(d.isRunning(click.get(0).id()), "the toolbar save took the free slot in the enqueue itself");
    executor.runAll();
    finishEverything();
    assertEquals(0, store.stats().queued(), "every save announced on the way was archived");
    assertEquals(job.started.size(), new HashSet<>(job.started).size(), "none started twice");
  }

  @Test
  void aSaveThatFinishesWhileAChunkIsReadIsNotStartedAgain() {
    Dispatcher d = dispatcher(2, 2);
    queue("api", "a.example", 2);
    d.start();
    executor.runAll();
    long first = job.started.get(0);
    // The pass reads from the front (a retry elsewhere) and the chunk lists the running save as
    // queued; the save finishes before the chunk is applied.
    reader.duringRead = () -> {
      job.finish(first);
      executor.runAll();
    };
    d.rescan();
    executor.runAll();
    assertEquals(2, job.started.size(), "started: " + job.started);
    assertEquals(1, d.runningCount());
  }

  @Test
  void savesQueuedWhileAChunkIsReadAreFoundByThePass() {
    Dispatcher d = dispatcher(4, 4);
    d.start();
    executor.runAll();
    queue("import", "a.example", 1);
    // An import commits and announces itself while the pass's read (which does not list its saves)
    // is out of the lock: that read's "end of the queue" must not count as drained.
    reader.duringRead = () -> {
      queue("import", "c.example", 2);
      d.queueGrew();
    };
    d.queueGrew();
    executor.runAll();
    assertEquals(List.of("https://a.example/import/0", "https://c.example/import/0", "https://c.example/import/1"),
        startedUrls());
  }

  private void finishEverything() {
    while (!job.pending.isEmpty()) {
      for (long id : new ArrayList<>(job.pending.keySet())) {
        job.finish(id);
        executor.runAll();
      }
    }
  }

  /**
   * The store's admission order as the dispatcher reads it: counts the reads, checks none is made
   * under the dispatcher's lock, and can run something after a chunk is read and before it is
   * returned (what another thread does meanwhile).
   */
  final class RecordingReader implements Dispatcher.QueueReader {
    int reads;
    Runnable duringRead;

    @Override
    public List<dev.pagekeep.store.SaveOrder.Entry> queuedInOrder(long afterKey, int limit) {
      assertFalse(Thread.holdsLock(dispatcher), "the store is read under the dispatcher's lock");
      reads++;
      List<dev.pagekeep.store.SaveOrder.Entry> chunk = store.queuedInOrder(afterKey, limit);
      Runnable hook = duringRead;
      duringRead = null;
      if (hook != null) hook.run();
      return chunk;
    }
  }

  /** Records tasks; the test runs them. */
  static final class RecordingExecutor implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) { tasks.add(r); }

    void runAll() {
      for (Runnable r; (r = tasks.poll()) != null; ) r.run();
    }
  }

  /** Records the delays asked for; {@link #fire} runs the tasks. */
  static final class RecordingTimer implements Dispatcher.Timer {
    final List<Long> delays = new ArrayList<>();
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public void schedule(Runnable task, long delayMs) {
      delays.add(delayMs);
      tasks.add(task);
    }

    void fire() {
      List<Runnable> now = new ArrayList<>(tasks);
      tasks.clear();
      now.forEach(Runnable::run);
    }
  }

  /** Records the saves started; a save ends when the test says, through the real store. */
  final class RecordingJob implements Dispatcher.Job {
    final List<Long> started = new ArrayList<>();
    final Map<Long, CompletableFuture<Dispatcher.Outcome>> pending = new HashMap<>();
    final Map<Long, Runnable> fetched = new HashMap<>();

    @Override
    public CompletionStage<Dispatcher.Outcome> run(long saveId, Runnable fetchedSignal) {
      started.add(saveId);
      fetched.put(saveId, fetchedSignal);
      CompletableFuture<Dispatcher.Outcome> f = new CompletableFuture<>();
      pending.put(saveId, f);
      return f;
    }

    /** The save is recorded as the archiver records one: it leaves the queue in the store. */
    void finish(long id) {
      Save s = store.save(id).orElseThrow();
      assertEquals(SaveState.QUEUED, s.state());
      store.fail(s, 1, "recorded by the test");
      complete(id, Dispatcher.Outcome.RECORDED);
    }

    /** The save's page is fetched and parsed; only its recording is left. */
    void fetched(long id) {
      fetched.get(id).run();
    }

    void complete(long id, Dispatcher.Outcome outcome) {
      pending.remove(id).complete(outcome);
    }

    long idOf(String url) {
      for (Save s : store.queued(0, 10_000)) if (s.url().equals(url)) return s.id();
      throw new AssertionError("not queued: " + url);
    }
  }
}

package dev.pagekeep.archive;

import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.SaveOrder;
import dev.pagekeep.store.SaveOrder.Entry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole admission policy of the archive, in the spirit of OkHttp's {@code Dispatcher}: which
 * queued save is captured next, and when.
 *
 * <ul>
 *   <li><b>Ready and running.</b> {@code running} holds the saves being captured (at most
 *   {@code maxPages}, at most {@code maxPagesPerHost} of one host); {@code ready} is a bounded
 *   window onto the queue, which stays on disk. The window is refilled from the store's admission
 *   order ({@link SaveOrder}: interactive saves first, then by id) a chunk at a time from a
 *   cursor, so a million queued saves cost disk, not heap.</li>
 *   <li><b>Interactive before bulk.</b> A save a person waits for ({@code toolbar},
 *   {@code context-menu}, {@code cli}, {@code api}) sorts before every bulk one ({@code import},
 *   {@code links-on-page}, {@code watch}); one enqueued behind thousands of bulk saves enters the
 *   window at once (evicting the window's last entry, which stays queued on disk) and takes the
 *   next free slot.</li>
 *   <li><b>Per-host cap.</b> A host at its cap is skipped, not waited for: the saves of other hosts
 *   behind it start. The window also holds at most {@code 2 * maxPagesPerHost} saves of one host,
 *   so a host with 10,000 queued pages cannot fill it.</li>
 *   <li><b>A page waiting for the disk holds no slot.</b> The caps bound pages being fetched and
 *   parsed. A job says when its page has everything it needs ({@link Job#run}'s {@code fetched});
 *   from then until its result is recorded (a group commit: two fsyncs) it gives its page slot and
 *   its host slot to the next save, so a slow disk does not idle the network and the parsers. At
 *   most {@code maxPages} pages wait so at once; more keep their slots until recorded.</li>
 *   <li><b>Promotion, not polling.</b> {@link #promoteAndExecute()} runs on every enqueue, every
 *   finish, and when a pause ends; nothing sleeps or polls.</li>
 *   <li><b>No store read on the caller's thread, none under the lock.</b> An enqueue places the
 *   saves it announces in the window itself and starts what may start, so a request thread never
 *   waits for the store (whose reads wait for the group commit under way). Refilling the window
 *   from the store is a <i>pass</i> on the executor, one at a time (events during it ask for one
 *   more), reading each chunk outside the lock and applying it under the lock only if nothing
 *   moved the cursor back meanwhile.</li>
 *   <li><b>Disk full.</b> A job that reports {@link Outcome#DISK_FULL} pauses admission for
 *   {@code DISK_FULL_PAUSE_MS}; its save goes back to the window (it is still queued on disk).</li>
 *   <li><b>Executors.</b> The executor that starts captures and records their results, and the
 *   timer that ends a pause, are owned here and shut down by {@link #close()}.</li>
 * </ul>
 *
 * <p>The idle callback runs when a finish leaves nothing running and nothing ready (the queue is
 * drained), so tests wait for it instead of polling.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  static final long DISK_FULL_PAUSE_MS = 30_000;
  /** Order entries read from the store per chunk, and at most per promotion (a few of them). */
  static final int CHUNK = 512;
  static final int SCAN_BUDGET = 4 * CHUNK;

  /** The store's admission order, read a chunk at a time ({@link ArchiveStore#queuedInOrder}). */
  @FunctionalInterface
  public interface QueueReader {
    List<Entry> queuedInOrder(long afterKey, int limit);
  }

  /** Captures one save: reads it, captures it, records the result. */
  @FunctionalInterface
  public interface Job {
    /**
     * Runs the save; {@code fetched} is run (once, on any thread) when nothing of the save is
     * fetched or parsed any more and only its recording is left, so its slots can go to the next.
     */
    CompletionStage<Outcome> run(long saveId, Runnable fetched);
  }

  /** How a job ended: its result is recorded (done, failed...), or the disk was full. */
  public enum Outcome { RECORDED, DISK_FULL }

  /** Runs a task once after a delay (the end of a disk-full pause). */
  @FunctionalInterface
  public interface Timer {
    void schedule(Runnable task, long delayMs);
  }

  private enum Scan { PROGRESS, FULL, END }

  private final QueueReader queue;
  private final Job job;
  private final Executor executor;
  private final Timer timer;
  private final Runnable shutdown;

  // guarded by this
  private int maxPages;
  private int maxPagesPerHost;
  private final TreeMap<Long, Entry> ready = new TreeMap<>();
  private final Map<String, TreeSet<Long>> readyByHost = new HashMap<>();
  private final Map<Long, Entry> running = new HashMap<>();
  /** Running saves that only wait for their result to be recorded: they hold no page or host slot. */
  private final Set<Long> recording = new HashSet<>();
  private final Map<String, Integer> runningByHost = new HashMap<>();
  /** Hosts whose queued saves were left on disk this pass because the window had their quota. */
  private final Set<String> skippedHosts = new HashSet<>();
  /** The highest order key this pass looked at: every queued save at or below it is ready, running or skipped. */
  private long cursor = Long.MIN_VALUE;
  /**
   * The last pass read the queue to its end and left on disk only saves of hosts that still have
   * at least half their quota in the window: until something is queued (an enqueue, a retry, the
   * end of a pause) or such a host falls below half, a finish promotes from the window without
   * reading the store, whose reads wait for the commit under way (and would hold this lock
   * meanwhile). One host with thousands of queued saves costs a pass per half a quota, not per
   * finish.
   */
  private boolean drained;
  /** This pass put a queued save back behind the cursor (evicted it from the window). */
  private boolean leftBehind;
  private boolean started;
  private boolean closed;
  /** A pass is queued on the executor or running (at most one at a time). */
  private boolean passActive;
  /** An event came while the pass was active: it looks once more when it ends. */
  private boolean passAgain;
  /** A pass's chunk is being read outside the lock. */
  private boolean reading;
  /** Bumped when the cursor moves back or saves are queued unannounced: a chunk read before is stale. */
  private long epoch;
  /** Saves that finished while a chunk was read: the chunk may still list them as queued. */
  private final Set<Long> finishedDuringRead = new HashSet<>();
  /** A finish left the pass to say whether the archive went idle. */
  private boolean idleCheck;
  private boolean paused;
  private long finished;
  private Runnable idleCallback = () -> {};

  /**
   * A dispatcher that runs jobs on {@code executor} and ends pauses with {@code timer} (tests give
   * recording ones); {@link #create} makes one that owns real ones.
   */
  Dispatcher(QueueReader queue, Job job, int maxPages, int maxPagesPerHost, Executor executor, Timer timer,
             Runnable shutdown) {
    require(maxPages >= 1, "maxPages < 1: " + maxPages);
    require(maxPagesPerHost >= 1, "maxPagesPerHost < 1: " + maxPagesPerHost);
    this.queue = queue;
    this.job = job;
    this.maxPages = maxPages;
    this.maxPagesPerHost = maxPagesPerHost;
    this.executor = executor;
    this.timer = timer;
    this.shutdown = shutdown;
  }

  /**
   * A dispatcher with executors of its own: up to {@code min(2 * maxPages + 1, 129)} threads that
   * start captures and wait for their commits (they only wait: captures themselves are
   * asynchronous; up to {@code maxPages} hold slots and as many more wait for a commit, and a pass
   * reads), and one timer thread.
   */
  public static Dispatcher create(ArchiveStore store, Job job, int maxPages, int maxPagesPerHost) {
    AtomicInteger n = new AtomicInteger();
    int threads = Math.min(2 * maxPages + 1, 129);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> daemon(r, "archive-" + n.incrementAndGet()));
    pool.allowCoreThreadTimeOut(true);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "archive-timer"));
    return new Dispatcher(store::queuedInOrder, job, maxPages, maxPagesPerHost, pool,
        (task, delayMs) -> timer.schedule(task, delayMs, TimeUnit.MILLISECONDS), () -> {
          pool.shutdown();
          timer.shutdownNow();
          try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) log.warn("archive threads still busy after 10 s");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  /** The executor jobs run on; a job records its result there too. */
  public Executor executor() { return executor; }

  // ---------------------------------------------------------------- configuration

  public synchronized void setMaxPages(int n) {
    require(n >= 1, "maxPages < 1: " + n);
    maxPages = n;
    executeLater();
  }

  public synchronized void setMaxPagesPerHost(int n) {
    require(n >= 1, "maxPagesPerHost < 1: " + n);
    maxPagesPerHost = n;
    executeLater();
  }

  public synchronized int maxPages() { return maxPages; }

  public synchronized int maxPagesPerHost() { return maxPagesPerHost; }

  /** Runs when a finish leaves nothing running and nothing ready; on the thread that finished. */
  public synchronized void setIdleCallback(Runnable callback) {
    this.idleCallback = callback == null ? () -> {} : callback;
  }

  // ---------------------------------------------------------------- events

  /** Starts admitting saves (those queued before the start are found in the store). */
  public void start() {
    synchronized (this) {
      if (closed) throw new IllegalStateException("the dispatcher is closed");
      started = true;
    }
    promoteAndExecute();
  }

  /**
   * Saves were queued (or re-queued): each is placed in the window here (the interactive ones sort
   * ahead of bulk ones), without reading the store, so the caller (a request being acknowledged)
   * never waits for a commit. A save the window has no room for stays queued on disk, and the
   * window's bookkeeping (cursor, skipped hosts) makes a pass find it later.
   */
  public void enqueued(Collection<Save> saves) {
    synchronized (this) {
      for (Save s : saves) {
        if (s == null || s.state() != SaveState.QUEUED) continue;
        Entry e = new Entry(SaveOrder.key(s), s.id(), SaveOrder.host(s.url()));
        if (!running.containsKey(e.id()) && !ready.containsKey(e.key())) admit(e);
      }
    }
    promoteAndExecute();
  }

  /** Saves were queued at the end of the queue (the scan finds them). */
  public void queueGrew() {
    synchronized (this) {
      drained = false;
      epoch++;
    }
    promoteAndExecute();
  }

  /** Saves went back on the queue somewhere: the next scan starts from the front. */
  public void rescan() {
    synchronized (this) {
      cursor = Long.MIN_VALUE;
      skippedHosts.clear();
      drained = false;
      epoch++;
    }
    promoteAndExecute();
  }

  /** The save's page is fetched and parsed: unless too many wait so already, its slots go to the next save. */
  private void fetched(Entry e) {
    synchronized (this) {
      if (!running.containsKey(e.id()) || recording.contains(e.id()) || recording.size() >= maxPages) return;
      recording.add(e.id());
      releaseHost(e);
    }
    promoteAndExecute();
  }

  private void finished(Entry e, Outcome outcome) {
    synchronized (this) {
      if (running.remove(e.id()) == null) return;
      if (!recording.remove(e.id())) releaseHost(e);
      if (reading) finishedDuringRead.add(e.id());
      idleCheck = true;
      if (outcome == Outcome.DISK_FULL) {
        if (!paused) {
          paused = true;
          log.error("disk full: captures paused for {} s; save {} stays queued", DISK_FULL_PAUSE_MS / 1000, e.id());
          timer.schedule(this::resume, DISK_FULL_PAUSE_MS);
        }
        if (!closed) admit(e); // still queued on disk: first in line when the pause ends
      } else {
        finished++;
      }
    }
    if (promoteAndExecute()) runIdleCallbackIfAsked();
  }

  /** Runs the idle callback once for the finishes that asked since it last ran. */
  private void runIdleCallbackIfAsked() {
    Runnable callback;
    synchronized (this) {
      if (!idleCheck) return;
      idleCheck = false;
      callback = idleCallback;
    }
    callback.run();
  }

  /** The disk-full pause is over: admission resumes. */
  void resume() {
    synchronized (this) {
      paused = false;
      drained = false;
    }
    promoteAndExecute();
  }

  private void releaseHost(Entry e) {
    runningByHost.merge(e.host(), -1, (a, b) -> a + b == 0 ? null : a + b);
  }

  /** Saves holding a page slot: running and still fetching or parsing. */
  private int active() {
    return running.size() - recording.size();
  }

  private void executeLater() {
    if (started && !closed) executor.execute(this::promoteAndExecute);
  }

  // ---------------------------------------------------------------- promotion

  /**
   * Moves saves from ready to running under the policy and starts them outside the lock; when the
   * window runs low (or everything in it is held back by a host cap) and the queue on disk may hold
   * more, asks for a {@link #pass()}. Never reads the store. Returns true when nothing is running or
   * ready and no pass is under way (idle).
   */
  boolean promoteAndExecute() {
    List<Entry> start = new ArrayList<>();
    boolean idle;
    boolean schedule = false;
    synchronized (this) {
      if (!started || closed) return false;
      if (!paused) {
        boolean unread = mayHaveMoreOnDisk(); // before taking: a host's quota is judged as the finish found it
        takeRunnable(start);
        if (unread && !windowFull()) {
          if (passActive) passAgain = true;
          else schedule = passActive = true;
        }
      }
      idle = !paused && !passActive && running.isEmpty() && ready.isEmpty();
    }
    for (Entry e : start) execute(e);
    if (schedule) schedulePass();
    return idle;
  }

  /** The queue on disk may hold saves the window wants: the last pass did not read to the end, or a skipped host runs low. */
  private boolean mayHaveMoreOnDisk() {
    return !drained || worthAnotherPass();
  }

  /** Every page slot is taken and the window holds at least half its size: no read is worth it now. */
  private boolean windowFull() {
    return active() >= maxPages && ready.size() >= windowSize() / 2;
  }

  private void schedulePass() {
    try {
      executor.execute(this::pass);
    } catch (RejectedExecutionException ex) {
      synchronized (this) { // shut down: the queue stays on disk for the next start
        passActive = false;
      }
    }
  }

  /**
   * Refills the window from the store's admission order, a chunk at a time from the cursor (at
   * most {@code SCAN_BUDGET} entries), wrapping once to the front when a host left on disk runs low.
   * Each chunk is read outside the lock; if the cursor moved back or saves were queued unannounced
   * meanwhile, the chunk is dropped and read again. Runs on the executor, one pass at a time.
   */
  private void pass() {
    try {
      readChunks();
    } catch (RuntimeException e) { // the store closing under a pass: the next event (or start) reads again
      log.warn("reading the queue: {}", e.toString());
    }
    List<Entry> start = new ArrayList<>();
    boolean again = false;
    boolean idle;
    synchronized (this) {
      reading = false;
      finishedDuringRead.clear();
      passActive = false;
      if (started && !closed && !paused) {
        boolean unread = passAgain && mayHaveMoreOnDisk();
        takeRunnable(start);
        if (unread && !windowFull()) again = passActive = true;
      }
      passAgain = false;
      idle = !paused && !passActive && running.isEmpty() && ready.isEmpty();
    }
    for (Entry e : start) execute(e);
    if (again) schedulePass();
    if (idle) runIdleCallbackIfAsked();
  }

  /** The reads of one pass; each chunk read outside the lock, applied under it. */
  private void readChunks() {
    // Only a pass that reads to the end may say "drained" again: one that stops early (the window
    // full, or its read budget spent) after a wrap has cleared skippedHosts would otherwise leave
    // saves on disk that no finish ever reads (a one-host run stalled so with 177 saves queued).
    synchronized (this) {
      drained = false;
      leftBehind = false;
    }
    boolean wrapped = false;
    for (int budget = SCAN_BUDGET; budget > 0; budget -= CHUNK) { // spent: the next event starts another pass
      List<Entry> start = new ArrayList<>();
      long from;
      long seen;
      boolean enough;
      synchronized (this) {
        if (!started || closed || paused) return;
        takeRunnable(start);
        enough = windowFull();
        from = cursor;
        seen = epoch;
        reading = !enough;
        finishedDuringRead.clear();
      }
      for (Entry e : start) execute(e);
      if (enough) return;
      List<Entry> chunk = queue.queuedInOrder(from, CHUNK);
      synchronized (this) {
        reading = false;
        if (epoch != seen) continue; // the cursor moved back, or saves were queued behind the read: read again
        Scan scan = apply(chunk, CHUNK);
        finishedDuringRead.clear();
        if (scan == Scan.FULL) return;
        if (scan == Scan.END) {
          if (wrapped || !worthAnotherPass()) {
            drained = !leftBehind && !worthAnotherPass();
            return;
          }
          wrapped = true;
          cursor = Long.MIN_VALUE;
          skippedHosts.clear();
        }
      }
    }
  }

  /** Ready saves in order, each whose host is under its cap, until running is full. */
  private void takeRunnable(List<Entry> start) {
    Iterator<Entry> it = ready.values().iterator();
    while (active() < maxPages && it.hasNext()) {
      Entry e = it.next();
      if (runningByHost.getOrDefault(e.host(), 0) >= maxPagesPerHost) continue;
      it.remove();
      forgetReady(e);
      running.put(e.id(), e);
      runningByHost.merge(e.host(), 1, Integer::sum);
      start.add(e);
    }
  }

  /** The pass left saves of some host on disk and that host has half its quota or less in the window. */
  private boolean worthAnotherPass() {
    for (String host : skippedHosts) {
      TreeSet<Long> keys = readyByHost.get(host);
      if (keys == null || keys.size() <= readyPerHost() / 2) return true;
    }
    return false;
  }

  /** Places a chunk of the admission order read after the cursor in the window. */
  private Scan apply(List<Entry> chunk, int limit) {
    for (Entry e : chunk) {
      boolean known = ready.containsKey(e.key()) || running.containsKey(e.id()) || finishedDuringRead.contains(e.id());
      if (!known && !admit(e)) return Scan.FULL;
      cursor = Math.max(cursor, e.key());
    }
    return chunk.size() < limit ? Scan.END : Scan.PROGRESS;
  }

  /**
   * Places a queued save in the window, evicting the window's last save when it is full, or the
   * host's last save when the host has its quota there; a save that sorts after those stays on
   * disk (its host is remembered, so a later pass looks again). False when the window is full of
   * saves that sort before it: the cursor then stays before it.
   */
  private boolean admit(Entry e) {
    TreeSet<Long> hostKeys = readyByHost.get(e.host());
    if (hostKeys != null && hostKeys.size() >= readyPerHost()) {
      if (e.key() > hostKeys.last()) {
        skippedHosts.add(e.host());
        return true;
      }
      evict(hostKeys.last());
    }
    if (ready.size() >= windowSize()) {
      if (e.key() > ready.lastKey()) {
        leftBehind = true;
        drained = false;
        cursor = Math.min(cursor, e.key() - 1);
        epoch++;
        return false;
      }
      evict(ready.lastKey());
    }
    ready.put(e.key(), e);
    readyByHost.computeIfAbsent(e.host(), h -> new TreeSet<>()).add(e.key());
    return true;
  }

  /** Drops a save from the window; it is still queued on disk, and the cursor goes back to find it again. */
  private void evict(long key) {
    Entry e = ready.remove(key);
    if (e == null) return;
    forgetReady(e);
    leftBehind = true;
    drained = false;
    cursor = Math.min(cursor, key - 1);
    epoch++;
  }

  private void forgetReady(Entry e) {
    TreeSet<Long> keys = readyByHost.get(e.host());
    if (keys == null) return;
    keys.remove(e.key());
    if (keys.isEmpty()) readyByHost.remove(e.host());
  }

  private int windowSize() { return Math.max(256, 2 * maxPages); }

  private int readyPerHost() { return 2 * maxPagesPerHost; }

  private void execute(Entry e) {
    try {
      executor.execute(() -> {
        CompletionStage<Outcome> stage;
        try {
          stage = job.run(e.id(), () -> fetched(e));
        } catch (RuntimeException ex) {
          log.error("save {} could not start: {}", e.id(), ex.toString());
          finished(e, Outcome.RECORDED);
          return;
        }
        stage.whenComplete((outcome, error) -> {
          if (error != null) log.error("save {}: {}", e.id(), error.toString());
          finished(e, outcome == null ? Outcome.RECORDED : outcome);
        });
      });
    } catch (RejectedExecutionException ex) {
      // Shut down: the save stays queued on disk for the next start; the caller is not failed.
      synchronized (this) {
        running.remove(e.id());
        if (!recording.remove(e.id())) releaseHost(e);
      }
    }
  }

  // ---------------------------------------------------------------- counts

  public synchronized boolean isRunning(long saveId) { return running.containsKey(saveId); }

  /** Saves started and not yet recorded (fetching, parsing, or waiting for their commit). */
  public synchronized int runningCount() { return running.size(); }

  /** Of those, the ones that only wait for their result to be recorded (they hold no slot). */
  public synchronized int recordingCount() { return recording.size(); }

  public synchronized int readyCount() { return ready.size(); }

  /** Ids of the saves being captured now (at most maxPages of them). */
  public synchronized List<Long> runningIds() { return List.copyOf(running.keySet()); }

  /** Pages being fetched or parsed per host (holding a host slot), for the hosts that have any. */
  public synchronized Map<String, Integer> runningByHost() { return Map.copyOf(runningByHost); }

  public synchronized long finishedCount() { return finished; }

  public synchronized boolean isPausedForDiskFull() { return paused; }

  /** Stops admitting; queued saves stay queued on disk. Shuts down the executors it owns. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
      ready.clear();
      readyByHost.clear();
    }
    shutdown.run();
  }
}

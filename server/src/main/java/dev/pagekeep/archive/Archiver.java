package dev.pagekeep.archive;

import dev.pagekeep.fetch.FetchException;
import dev.pagekeep.fetch.FetchResult;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveResource;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.StoreFullException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the durable save queue into captures. The queue stays on disk: this loop reads a small
 * batch at a time and takes a permit per save, so at most {@code maxPagesInFlight} saves are in
 * memory however many millions are queued (backpressure, not a million tasks). A save leaves the
 * queue only in the transaction that stores its snapshot or its failure, so a crash at any point
 * re-runs it on the next start and never loses it.
 */
public final class Archiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Archiver.class);
  private static final int BATCH = 64;

  private final ArchiveStore store;
  private final PageCapturer capturer;
  private final Semaphore permits;
  private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
  private final Object signal = new Object();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean rescan = new AtomicBoolean();
  private final AtomicLong finished = new AtomicLong();
  private final Thread loop;
  /** Set when the disk is full: captures wait (still queued, nothing lost) instead of spinning. */
  private volatile long pausedUntil;
  static final long DISK_FULL_PAUSE_MS = 30_000;
  private final ExecutorService commits;
  private volatile SaveListener listener = (save) -> {};

  /** Told when a save reaches done or failed (search indexing, progress). */
  public interface SaveListener {
    void onFinished(Save save);
  }

  public Archiver(ArchiveStore store, PageCapturer capturer, int maxPagesInFlight) {
    this.store = store;
    this.capturer = capturer;
    this.permits = new Semaphore(maxPagesInFlight);
    this.loop = new Thread(this::run, "archiver");
    this.loop.setDaemon(true);
    // Recording a result waits for its commit. Doing that on the capture (CPU) threads let only
    // as many commits as CPU threads share a group commit, and left the CPUs idle during every
    // fsync. These threads only wait; permits bound their work to maxPagesInFlight saves.
    AtomicInteger n = new AtomicInteger();
    int threads = Math.min(maxPagesInFlight, 64);
    this.commits = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "archive-commit-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    ((ThreadPoolExecutor) commits).allowCoreThreadTimeOut(true);
  }

  public void setListener(SaveListener listener) { this.listener = listener; }

  public Archiver start() {
    if (running.compareAndSet(false, true)) loop.start();
    return this;
  }

  /** New saves were queued. */
  public void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  /** A save went back on the queue behind the cursor (a retry): scan from the start. */
  public void rescan() {
    rescan.set(true);
    wake();
  }

  /** True while captures are paused because the disk is full. */
  public boolean isPausedForDiskFull() { return pausedUntil > System.currentTimeMillis(); }

  public boolean isInFlight(long saveId) { return inFlight.contains(saveId); }

  public int inFlightCount() { return inFlight.size(); }

  /** Ids of the saves being captured now (at most maxPagesInFlight of them). */
  public java.util.List<Long> inFlightIds() { return java.util.List.copyOf(inFlight); }

  public long finishedCount() { return finished.get(); }

  private void run() {
    long cursor = 0;
    while (running.get()) {
      try {
        long pause = pausedUntil - System.currentTimeMillis();
        if (pause > 0) {
          synchronized (signal) {
            signal.wait(Math.min(pause, 1000));
          }
          continue;
        }
        if (rescan.getAndSet(false)) cursor = 0;
        List<Save> batch = store.queued(cursor, BATCH);
        if (batch.isEmpty()) {
          synchronized (signal) {
            signal.wait(1000);
          }
          cursor = 0; // a full pass found nothing: the next pass starts over (cheap when empty)
          continue;
        }
        for (Save save : batch) {
          cursor = save.id();
          if (inFlight.contains(save.id())) continue;
          while (running.get() && !permits.tryAcquire(200, TimeUnit.MILLISECONDS)) {
            // waiting for a slot: this is the backpressure
          }
          if (!running.get()) return;
          inFlight.add(save.id());
          process(save).whenComplete((v, e) -> {
            inFlight.remove(save.id());
            permits.release();
          });
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("archiver loop: {}", e.toString());
        sleepQuietly();
      }
    }
  }

  private CompletableFuture<Void> process(Save save) {
    String ts = Timestamps.format(Instant.now());
    CompletableFuture<PageCapturer.Result> work;
    PageCapturer.BrowserResources given = browserResources(save);
    if (save.htmlDigest() != null) {
      byte[] html = store.blob(save.htmlDigest()).orElse(null);
      work = html == null ? capturer.capture(save.url(), save.source(), ts, given)
          : capturer.captureDom(save.url(), html, save.title(), save.source(), ts, save.httpStatus(), given);
    } else {
      work = capturer.capture(save.url(), save.source(), ts, given);
    }
    return work.handleAsync((result, error) -> {
      try {
        Save finishedSave;
        if (error == null) {
          var page = store.finish(save, Math.max(1, result.attempts()), result.page(), result.requisites());
          finishedSave = store.save(save.id()).orElse(save.done(page.timestamp(), result.attempts(), System.currentTimeMillis()));
        } else {
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          int attempts = cause instanceof FetchException fe ? fe.attempts() : 1;
          String reason = cause instanceof FetchException ? cause.getMessage() : "capture failed: " + cause;
          Optional<String> wall = wall(save, cause);
          finishedSave = wall.isPresent() ? store.needsBrowser(save, Math.max(1, attempts), wall.get())
              : store.fail(save, attempts, reason);
        }
        finished.incrementAndGet();
        listener.onFinished(finishedSave);
      } catch (StoreFullException e) {
        pausedUntil = System.currentTimeMillis() + DISK_FULL_PAUSE_MS;
        log.error("disk full: captures paused for {} s; save {} stays queued", DISK_FULL_PAUSE_MS / 1000, save.id());
      } catch (RuntimeException e) {
        // The store refused (closed, damaged): the save stays queued and is retried later.
        log.error("could not record the result of save {} ({}): {}", save.id(), save.url(), e.getMessage());
      }
      return null;
    }, commits);
  }

  /**
   * The requisites the browser sent with the save, read from the store when the capture asks for
   * them. Only what the browser got with a 2xx is used; for the rest the service fetches itself.
   */
  private PageCapturer.BrowserResources browserResources(Save save) {
    if (save.resourceList().isEmpty()) return PageCapturer.NONE;
    Map<String, SaveResource> byUrl = new HashMap<>();
    for (SaveResource r : save.resourceList()) {
      if (r.status() >= 200 && r.status() < 300) byUrl.putIfAbsent(r.url(), r);
    }
    return url -> {
      SaveResource r = byUrl.get(url);
      if (r == null) return null;
      byte[] body = store.blob(r.digest()).orElse(null);
      if (body == null) return null;
      List<String> headers = new ArrayList<>();
      if (r.contentType() != null) headers.add("Content-Type: " + r.contentType());
      headers.add("X-Pagekeep-Source: browser");
      return new FetchResult(url, url, r.status(), r.contentType(), headers, body, 0, List.of());
    };
  }

  /** The wall the service's fetch met, if that is why it failed (a browser's DOM never meets one). */
  private static Optional<String> wall(Save save, Throwable cause) {
    if (save.htmlDigest() != null) return Optional.empty();
    if (cause instanceof WallException w) return Optional.of(w.getMessage());
    if (cause instanceof FetchException fe) return Walls.forStatus(fe.status(), fe.getMessage());
    return Optional.empty();
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running.set(false);
    wake();
    try {
      loop.join(5000);
      commits.shutdown();
      commits.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.pagekeep.rot;

import dev.pagekeep.model.Capture;
import dev.pagekeep.store.RotLedger;
import dev.pagekeep.store.RotLedger.Result;
import dev.pagekeep.store.RotLedger.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link-rot check: a slow pass over every archived URL, in the background, politely. Its
 * policy in one place: at most {@code maxInFlight} checks at once and {@code maxPerHost} to one
 * host (OkHttp's {@link Dispatcher}), at most {@code urlsPerSecond} started in the background (no
 * pacing when asked for a check now), one pass every {@code cycle}. The archive is read a batch of
 * {@link #BATCH} URLs at a time and each batch's results are one commit that also moves the
 * pass's cursor, so memory does not grow with the archive and a restart resumes the pass.
 *
 * <p>Its own HTTP client, not the fetcher's: rot checks have their own, lower limits, read no more
 * than a peek of a body, and must not take the capture's slots.
 */
public final class RotChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RotChecker.class);
  static final int BATCH = 256;

  /**
   * @param maxInFlight    checks running at once
   * @param maxPerHost     checks to one host at once
   * @param urlsPerSecond  checks started per second by the background pass (a check asked for now is not paced)
   * @param cycle          time from the end of one background pass to the start of the next
   * @param firstDelay     time after start before the background pass begins (or resumes)
   * @param timeout        one check's deadline, redirects included
   * @param dns            name resolution (tests and benchmarks map names to 127.0.0.1)
   */
  public record Options(int maxInFlight, int maxPerHost, double urlsPerSecond, Duration cycle, Duration firstDelay,
                        Duration timeout, Dns dns) {
    public Options {
      if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be >= 1: " + maxInFlight);
      if (maxPerHost < 1 || maxPerHost > maxInFlight) {
        throw new IllegalArgumentException("maxPerHost must be 1.." + maxInFlight + ": " + maxPerHost);
      }
      if (!(urlsPerSecond > 0)) throw new IllegalArgumentException("urlsPerSecond must be > 0: " + urlsPerSecond);
      if (cycle.isNegative() || firstDelay.isNegative()) throw new IllegalArgumentException("cycle and firstDelay must be >= 0");
      if (timeout.toMillis() < 100) throw new IllegalArgumentException("timeout must be >= 100 ms: " + timeout);
    }

    /** 16 at once, 2 per host, 1 URL/s in the background (86,400 a day), a pass a week, starting 10 minutes after start. */
    public static Options defaults() {
      return new Options(16, 2, 1.0, Duration.ofDays(7), Duration.ofMinutes(10), Duration.ofSeconds(20), Dns.SYSTEM);
    }

    public Options withDns(Dns d) {
      return new Options(maxInFlight, maxPerHost, urlsPerSecond, cycle, firstDelay, timeout, d);
    }

    public Options withLimits(int inFlight, int perHost) {
      return new Options(inFlight, perHost, urlsPerSecond, cycle, firstDelay, timeout, dns);
    }

    public Options withPace(double perSecond, Duration everyCycle, Duration delay) {
      return new Options(maxInFlight, maxPerHost, perSecond, everyCycle, delay, timeout, dns);
    }
  }

  /** Where the checking stands. */
  public record Status(boolean passUnderway, boolean urgent, long checked, long goneFound, Instant passStarted,
                       Instant lastPassEnded, Instant nextPass, long gone) {}

  private final RotLedger ledger;
  private final Options options;
  private final Clock clock;
  private final OkHttpClient client;
  private final LinkProbe probe;
  private final Instant startedAt;
  private final Object signal = new Object();
  private final AtomicLong checked = new AtomicLong();
  private final AtomicLong goneFound = new AtomicLong();
  private final AtomicLong passes = new AtomicLong();
  private volatile boolean urgent;
  private volatile boolean closed;
  private volatile boolean passUnderway;
  private volatile Instant passStarted;
  private Thread loop;

  public RotChecker(RotLedger ledger, Options options, Clock clock) {
    this.ledger = ledger;
    this.options = options;
    this.clock = clock;
    this.startedAt = clock.instant();
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "rot-check-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(options.maxInFlight());
    dispatcher.setMaxRequestsPerHost(options.maxPerHost());
    this.client = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .dns(options.dns())
        .connectionPool(new ConnectionPool(options.maxInFlight(), 30, TimeUnit.SECONDS))
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .callTimeout(options.timeout())
        .build();
    this.probe = new LinkProbe(client);
  }

  /** Starts the background pass loop. */
  public RotChecker start() {
    loop = new Thread(this::run, "rot-pass");
    loop.setDaemon(true);
    loop.start();
    return this;
  }

  public Options options() { return options; }

  /** Full passes finished since this checker started. */
  public long passesFinished() { return passes.get(); }

  /** Asks for a pass now, unpaced (or speeds up the one under way). */
  public Status checkAllNow() {
    synchronized (signal) {
      urgent = true;
      signal.notifyAll();
    }
    return status();
  }

  /** Checks these archived URLs now and records what was found; answers once recorded. */
  public List<Result> check(List<Target> targets) {
    List<Result> results = checkBatch(targets, false);
    if (!closed) ledger.record(results, null, null);
    return results;
  }

  /**
   * A capture just finished (a save, or a re-capture): its status is a check of its own. A 404 or
   * 410 marks the URL gone; a 2xx unmarks a URL marked gone. Writes only when something changes.
   */
  public void onCaptured(Capture c) {
    if (closed || !c.isPage()) return;
    Target t = new Target(c.urlKey(), c.url());
    Instant at = clock.instant();
    try {
      if (c.status() == 404 || c.status() == 410) {
        ledger.record(List.of(new Result(t, RotLedger.Verdict.GONE, "answered " + c.status() + " when captured", c.status(), at)), null, null);
      } else if (c.status() >= 200 && c.status() < 300 && ledger.mayBeGone(c.urlKey())) {
        ledger.record(List.of(new Result(t, RotLedger.Verdict.ALIVE, "captured with " + c.status(), c.status(), at)), null, null);
      }
    } catch (RuntimeException e) {
      log.warn("link-rot: could not record the capture of {}: {}", c.url(), e.toString());
    }
  }

  public Status status() {
    Instant ended = ledger.passEnded();
    return new Status(passUnderway, urgent, checked.get(), goneFound.get(), passStarted, ended, nextDue(ended),
        ledger.goneCount());
  }

  private Instant nextDue(Instant ended) {
    Instant first = startedAt.plus(options.firstDelay());
    if (ended == null || !ledger.cursor().isEmpty()) return first;
    Instant next = ended.plus(options.cycle());
    return next.isAfter(first) ? next : first;
  }

  private void run() {
    while (!closed) {
      try {
        if (!awaitDue()) return;
        pass();
      } catch (RuntimeException e) {
        // A failed pass (say the disk is full) is tried again later; the loop must not die.
        log.warn("link-rot check: {}", e.toString());
        if (!sleepUnlessUrgent(60_000)) return;
      }
    }
  }

  /** Waits until a pass is due or asked for; false when closing. */
  private boolean awaitDue() {
    while (!closed) {
      if (urgent) return true;
      long wait = Duration.between(clock.instant(), nextDue(ledger.passEnded())).toMillis();
      if (wait <= 0) return true;
      if (!sleepUnlessUrgent(Math.min(wait, 60_000))) return false;
    }
    return false;
  }

  /** Sleeps up to {@code ms}, less when a check is asked for; false when closing. */
  private boolean sleepUnlessUrgent(long ms) {
    synchronized (signal) {
      if (!urgent && !closed && ms > 0) {
        try {
          signal.wait(ms);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return !closed;
  }

  private void pass() {
    String cursor = ledger.cursor();
    passUnderway = true;
    passStarted = clock.instant();
    checked.set(0);
    goneFound.set(0);
    log.info("link-rot check: a pass {} ({})", cursor.isEmpty() ? "starts" : "resumes after " + cursor,
        urgent ? "now" : options.urlsPerSecond() + " URLs/s");
    try {
      while (!closed) {
        List<Target> batch = ledger.after(cursor, BATCH);
        if (batch.isEmpty()) {
          ledger.record(List.of(), "", clock.instant());
          passes.incrementAndGet();
          log.info("link-rot check: the pass ended, {} URLs checked, {} gone", checked.get(), ledger.goneCount());
          return;
        }
        List<Result> results = checkBatch(batch, true);
        if (closed) return; // cancelled checks say nothing: this batch is checked again next time
        cursor = batch.get(batch.size() - 1).urlKey();
        ledger.record(results, cursor, null);
      }
    } finally {
      passUnderway = false;
      urgent = false;
    }
  }

  /** Checks a batch with at most {@code maxInFlight * 2} calls submitted; paced in the background unless urgent. */
  private List<Result> checkBatch(List<Target> batch, boolean paced) {
    ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    Semaphore window = new Semaphore(options.maxInFlight() * 2);
    CountDownLatch done = new CountDownLatch(batch.size());
    long intervalNanos = (long) (1e9 / options.urlsPerSecond());
    long next = System.nanoTime();
    for (Target t : batch) {
      if (closed) {
        done.countDown();
        continue;
      }
      if (paced && !urgent) {
        long waitMs = (next - System.nanoTime()) / 1_000_000;
        if (waitMs > 0 && !sleepUnlessUrgent(waitMs)) {
          done.countDown();
          continue;
        }
        next = Math.max(next, System.nanoTime() - intervalNanos) + intervalNanos;
      }
      try {
        window.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done.countDown();
        continue;
      }
      probe.check(t.url()).whenComplete((outcome, err) -> {
        Instant at = clock.instant();
        Result r = err != null
            ? new Result(t, RotLedger.Verdict.UNKNOWN, String.valueOf(err.getMessage()), 0, at)
            : new Result(t, outcome.verdict(), outcome.reason(), outcome.status(), at);
        results.add(r);
        checked.incrementAndGet();
        if (r.verdict() == RotLedger.Verdict.GONE) goneFound.incrementAndGet();
        window.release();
        done.countDown();
      });
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new ArrayList<>(results);
  }

  /** Stops the pass (the batch under way is checked again at the next start) and the HTTP client. */
  @Override
  public void close() {
    synchronized (signal) {
      closed = true;
      signal.notifyAll();
    }
    client.dispatcher().cancelAll();
    if (loop != null) {
      try {
        loop.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}

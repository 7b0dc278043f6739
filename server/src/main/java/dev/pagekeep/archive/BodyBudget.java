package dev.pagekeep.archive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Bytes of page bodies a capture may hold, from before its fetch until its page is recorded: a cap
 * in bytes beside the page cap ({@link PagesInFlight}). Bodies arrive far faster than two cores
 * parse, store and index them (the seed's 450 KB pages at 256 pages in flight: ~500 a second
 * against ~20), so without it nearly every page slot holds a body (and its text) waiting for a
 * core, and the heap fills with them.
 *
 * <p>A capture {@link #reserve}s its page's expected size before it fetches anything, so a capture
 * that waits holds no connection, no request slot and no thread (a capture already holding bytes
 * never waits on one that does not: no deadlock through requisites). The expected size is a running
 * mean of the bodies recorded ({@link #record}), so the budget admits many small pages and few large
 * ones. One capture is always admitted when nothing is held, whatever its size. Waiters are served
 * in order, a person's saves (toolbar, context menu, CLI, API) before bulk ones: a click behind an
 * import waits for bytes only behind other clicks.
 */
public final class BodyBudget {
  /** A budget of this share of the heap: an eighth, 28 MB at the launcher's {@code -Xmx224m}. */
  static final int HEAP_SHARE = 8;
  /** The expected size before any body was recorded (PagesInFlight's figure). */
  static final long INITIAL_ESTIMATE = PagesInFlight.BYTES_PER_PAGE;
  /** No page is expected smaller than this (headers, a parse, a text and a record cost too). */
  static final long MIN_ESTIMATE = 16 * 1024;

  private final long maxBytes;
  private long held;
  private long estimate = INITIAL_ESTIMATE;
  private final ArrayDeque<Waiter> interactive = new ArrayDeque<>();
  private final ArrayDeque<Waiter> bulk = new ArrayDeque<>();

  private record Waiter(long bytes, CompletableFuture<Void> admitted) {}

  public BodyBudget(long maxBytes) {
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be >= 1: " + maxBytes);
    this.maxBytes = maxBytes;
  }

  /** The budget for a heap of {@code maxHeapBytes} ({@code Runtime.maxMemory()}). */
  public static BodyBudget forHeap(long maxHeapBytes) {
    return new BodyBudget(Math.max(1, maxHeapBytes / HEAP_SHARE));
  }

  /** A budget that never makes anyone wait. */
  public static BodyBudget unlimited() {
    return new BodyBudget(Long.MAX_VALUE);
  }

  public long maxBytes() { return maxBytes; }

  /** Bytes reserved now. */
  public synchronized long held() { return held; }

  /** Captures waiting for room. */
  public synchronized int waiting() { return interactive.size() + bulk.size(); }

  /** What a page is expected to hold: the running mean of recorded bodies (1/8 weight to the newest). */
  public synchronized long estimate() { return estimate; }

  /** A recorded page's body size, for the next estimates. */
  public synchronized void record(long bodyBytes) {
    if (bodyBytes < 0) return;
    estimate = Math.max(MIN_ESTIMATE, estimate + (bodyBytes - estimate) / 8);
  }

  /**
   * Reserves {@code bytes}: a future that completes once they fit (at once when they do, nobody waits
   * before, or nothing is held). Give them back with {@link #release} when the page is recorded.
   */
  public CompletableFuture<Void> reserve(long bytes) {
    return reserve(bytes, false);
  }

  /** As {@link #reserve(long)}; a {@code byPerson} save waits only behind other such saves. */
  public CompletableFuture<Void> reserve(long bytes, boolean byPerson) {
    if (bytes < 0) throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
    synchronized (this) {
      boolean nobodyBefore = interactive.isEmpty() && (byPerson || bulk.isEmpty());
      if (nobodyBefore && fits(bytes)) {
        held += bytes;
        return CompletableFuture.completedFuture(null);
      }
      Waiter w = new Waiter(bytes, new CompletableFuture<>());
      (byPerson ? interactive : bulk).add(w);
      return w.admitted();
    }
  }

  /** Gives back bytes a completed {@link #reserve} took; admits the waiters that now fit, in order. */
  public void release(long bytes) {
    List<CompletableFuture<Void>> admitted = new ArrayList<>();
    synchronized (this) {
      if (bytes < 0 || bytes > held) throw new IllegalStateException("release of " + bytes + " bytes, " + held + " held");
      held -= bytes;
      admit(interactive, admitted);
      if (interactive.isEmpty()) admit(bulk, admitted); // no bulk page overtakes a person's save
    }
    admitted.forEach(f -> f.complete(null)); // outside the lock: completing runs the captures' next steps
  }

  /** Admits the head of {@code line} while it fits: nobody behind a head that does not fit overtakes it. */
  private void admit(ArrayDeque<Waiter> line, List<CompletableFuture<Void>> admitted) {
    while (!line.isEmpty() && fits(line.peek().bytes())) {
      Waiter w = line.poll();
      held += w.bytes();
      admitted.add(w.admitted());
    }
  }

  private boolean fits(long bytes) {
    return held == 0 || held <= maxBytes - bytes;
  }
}

package dev.pagekeep;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full collection when the service has gone idle, so a daemon a user forgets is running hands
 * its heap back to the OS (with the launcher's {@code -XX:MaxHeapFreeRatio}, a full collection
 * shrinks the committed heap to about its live set; bench/README.md, "Memory of an idle service").
 *
 * <p>Idle means, at every tick of {@link #TICK_MS}: no save running or ready in the dispatcher, and
 * the JVM's threads allocated less than {@link #QUIET_BYTES_PER_TICK} since the last tick (an export,
 * an import, replay or search traffic allocate far more; an idle service, or the web UI polling
 * {@code /api/stats}, far less). After {@link #IDLE_MS} of idle ticks it calls the collector once,
 * and not again until some work has been seen and the service is idle again: never under load,
 * never repeatedly while idle. The policy ({@link Policy}) takes the time and the readings as
 * arguments, so tests drive it with a fake clock.
 */
final class IdleCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleCollector.class);
  static final long TICK_MS = 2_000;
  static final long IDLE_MS = 30_000;
  static final long QUIET_BYTES_PER_TICK = 4L << 20;

  /** When to collect: fed one reading per tick, answers whether to collect now. */
  static final class Policy {
    private final long idleMs;
    private final long quietBytes;
    private long idleSince = -1;
    private long lastAllocated = -1;
    private boolean collected;

    Policy(long idleMs, long quietBytes) {
      this.idleMs = idleMs;
      this.quietBytes = quietBytes;
    }

    /**
     * One tick: {@code busy} when saves are running or ready, {@code allocatedBytes} the JVM's
     * running total of bytes allocated (or -1 when unknown: then only {@code busy} counts).
     */
    boolean tick(long nowMs, boolean busy, long allocatedBytes) {
      boolean allocating = lastAllocated >= 0 && allocatedBytes >= 0 && allocatedBytes - lastAllocated >= quietBytes;
      lastAllocated = allocatedBytes;
      if (busy || allocating) {
        idleSince = -1;
        collected = false;
        return false;
      }
      if (idleSince < 0) {
        idleSince = nowMs;
        return false;
      }
      if (collected || nowMs - idleSince < idleMs) return false;
      collected = true;
      return true;
    }
  }

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "idle-collector");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    return t;
  });

  /** Starts ticking: {@code busy} says whether saves are running or ready. */
  IdleCollector(BooleanSupplier busy) {
    Policy policy = new Policy(IDLE_MS, QUIET_BYTES_PER_TICK);
    // G1 shrinks the heap to MaxHeapFreeRatio at one full collection. The serial collector damps
    // the old generation's shrinking over successive ones (0%, 10%, 40%, then 100% of the excess:
    // CardGeneration::compute_new_size), so with it (PAGEKEEP_JAVA_OPTS) four in a row.
    int collections = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .anyMatch(b -> b.getName().equals("MarkSweepCompact")) ? 4 : 1;
    LongSupplier allocated = allocatedBytes();
    timer.scheduleWithFixedDelay(() -> {
      try {
        if (policy.tick(System.nanoTime() / 1_000_000, busy.getAsBoolean(), allocated.getAsLong())) {
          long t0 = System.nanoTime();
          for (int i = 0; i < collections; i++) System.gc();
          log.debug("idle: full collection in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
      } catch (RuntimeException e) {
        log.warn("idle collector: {}", e.toString());
      }
    }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  private static LongSupplier allocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
        && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
      return t::getTotalThreadAllocatedBytes;
    }
    return () -> -1;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

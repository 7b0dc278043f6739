package dev.pagekeep.testing;

import dev.pagekeep.archive.Dispatcher;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way tests wait: for the dispatcher's idle callback, or for a condition, always with a
 * bounded deadline and a message that says what did not happen. No fixed sleeps stand in for
 * "long enough": a condition is asked again after a short back-off (1 ms doubling to 50 ms).
 */
public final class Await {
  private Await() {}

  /** Waits until {@code done} holds, or fails with "{@code what} within {@code within}". */
  public static void until(String what, Duration within, BooleanSupplier done) {
    value(what, within, () -> done.getAsBoolean(), b -> b);
  }

  /** Asks {@code probe} until its answer passes {@code done}, and returns that answer. */
  public static <T> T value(String what, Duration within, Supplier<T> probe, Predicate<? super T> done) {
    long deadline = System.nanoTime() + within.toNanos();
    long backoff = 1;
    T last;
    while (true) {
      last = probe.get();
      if (done.test(last)) return last;
      if (System.nanoTime() - deadline > 0) break;
      sleep(backoff);
      backoff = Math.min(50, backoff * 2);
    }
    throw new AssertionError("not " + what + " within " + within + (last instanceof Boolean ? "" : "; last: " + last));
  }

  /**
   * Waits for the dispatcher's idle callback until {@code idle} holds (checked first, then on
   * every idle callback), so a test waits for "nothing left" without polling the service.
   */
  public static void idle(Dispatcher dispatcher, Duration within, BooleanSupplier idle) {
    long deadline = System.nanoTime() + within.toNanos();
    try {
      while (true) {
        CountDownLatch wake = new CountDownLatch(1);
        dispatcher.setIdleCallback(wake::countDown);
        if (idle.getAsBoolean()) return;
        long left = deadline - System.nanoTime();
        if (left <= 0 || !wake.await(left, TimeUnit.NANOSECONDS)) {
          if (idle.getAsBoolean()) return;
          throw new AssertionError("saves still queued or running after " + within);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for idle", e);
    } finally {
      dispatcher.setIdleCallback(null);
    }
  }

  /**
   * Waits until the wall clock is in a later second than now: snapshot timestamps have
   * one-second resolution, so a capture after this call is strictly later than one before it.
   */
  public static void nextSecond() {
    long second = System.currentTimeMillis() / 1000;
    until("the next second", Duration.ofSeconds(3), () -> System.currentTimeMillis() / 1000 > second);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}

package dev.pagekeep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The idle collector's policy, driven tick by tick with a fake clock: when it collects, and when not. */
class IdleCollectorTest {
  private static final long TICK = 5_000;
  private static final long IDLE = 30_000;
  private static final long QUIET = 8L << 20;

  /** Feeds ticks to a policy and records at which times it said to collect. */
  private static final class Run {
    final IdleCollector.Policy policy = new IdleCollector.Policy(IDLE, QUIET);
    final List<Long> collections = new ArrayList<>();
    long now;
    long allocated;

    /** {@code n} ticks, each with the dispatcher {@code busy} or not, and {@code bytes} allocated. */
    Run ticks(int n, boolean busy, long bytes) {
      for (int i = 0; i < n; i++) {
        now += TICK;
        allocated += bytes;
        if (policy.tick(now, busy, allocated)) collections.add(now);
      }
      return this;
    }
  }

  @Test
  void collectsOnceAfterThirtySecondsIdleAndNotAgainWhileIdle() {
    Run r = new Run().ticks(1, false, 0); // first reading: idle from here
    r.ticks(5, false, 1 << 20);
    assertEquals(List.of(), r.collections, "not before 30 s");
    r.ticks(1, false, 1 << 20);
    assertEquals(List.of(35_000L), r.collections);
    r.ticks(100, false, 1 << 20);
    assertEquals(List.of(35_000L), r.collections, "once per idle period");
  }

  @Test
  void neverWhileSavesRunOrAreReady() {
    Run r = new Run().ticks(200, true, 0);
    assertEquals(List.of(), r.collections);
  }

  @Test
  void neverWhileTheServiceAllocates() {
    // An export or an import: the dispatcher is idle, but the JVM allocates 8 MB or more per tick.
    Run r = new Run().ticks(200, false, QUIET);
    assertEquals(List.of(), r.collections);
  }

  @Test
  void workRestartsTheIdleWait() {
    Run r = new Run().ticks(1, false, 0).ticks(5, false, 0); // 25 s idle
    r.ticks(1, true, 0); // a save
    r.ticks(6, false, 0);
    assertEquals(List.of(), r.collections, "30 s not yet counted from the end of the work");
    r.ticks(1, false, 0);
    assertEquals(List.of(70_000L), r.collections);
  }

  @Test
  void collectsAgainAfterTheNextWork() {
    Run r = new Run().ticks(20, false, 0);
    assertEquals(1, r.collections.size());
    r.ticks(3, false, 50L << 20); // an export
    r.ticks(5, false, 0);
    assertEquals(1, r.collections.size());
    r.ticks(2, false, 0);
    assertEquals(2, r.collections.size());
    assertEquals(r.now, r.collections.get(1), "30 s after the first quiet tick");
  }

  @Test
  void withoutAllocationFiguresOnlyTheDispatcherCounts() {
    IdleCollector.Policy p = new IdleCollector.Policy(IDLE, QUIET);
    long t = 0;
    boolean any = false;
    for (int i = 0; i < 8; i++) any |= p.tick(t += TICK, false, -1);
    assertTrue(any);
    assertFalse(p.tick(t + TICK, true, -1));
  }
}

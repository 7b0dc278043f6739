package dev.pagekeep.archive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PagesInFlightTest {
  private static final long MB = 1 << 20;

  @Test
  void theLaunchersHeapHoldsTheDefaultButNotAThousandPages() {
    assertThat(PagesInFlight.cap(16, 256 * MB)).isEqualTo(16);
    assertThat(PagesInFlight.cap(1000, 256 * MB)).isEqualTo(256); // OutOfMemoryError before the cap
    assertThat(PagesInFlight.cap(1000, 1024 * MB)).isEqualTo(1000);
  }

  @Test
  void aTinyHeapStillCapturesTheDefaultNumberOfPages() {
    assertThat(PagesInFlight.cap(64, 16 * MB)).isEqualTo(16);
    assertThat(PagesInFlight.cap(4, 16 * MB)).isEqualTo(4);
  }

  @Test
  void theAdviceNamesAHeapThatLiftsTheCap() {
    for (int pages : new int[] {17, 300, 1000, 4096}) {
      long mb = PagesInFlight.heapMbFor(pages);
      long reported = mb * MB * 9 / 10; // what a JVM may report as its max memory at -Xmx{mb}m
      assertThat(PagesInFlight.cap(pages, reported)).as(pages + " pages at -Xmx" + mb + "m").isEqualTo(pages);
      assertThat(mb % 64).isZero();
    }
  }
}

package dev.pagekeep.archive;

/**
 * How many pages may be captured at once in a heap of a given size. A page in flight holds its body
 * (and its requisites') from download until it is stored, and bodies arrive faster than two cores
 * parse them: at 1,000 pages in flight the seed's 450 KB pages outgrew the launcher's 256 MB heap
 * ({@code OutOfMemoryError}, bench/seed-client.sh). Capture is CPU-bound long before that, so a cap
 * of half the heap at {@value #BYTES_PER_PAGE} bytes a page costs no throughput.
 */
public final class PagesInFlight {
  static final long BYTES_PER_PAGE = 512 * 1024;
  static final int FLOOR = 16;

  private PagesInFlight() {}

  /** {@code asked}, or fewer when a heap of {@code maxHeapBytes} cannot hold that many pages. */
  public static int cap(int asked, long maxHeapBytes) {
    long fits = Math.max(FLOOR, maxHeapBytes / 2 / BYTES_PER_PAGE);
    return (int) Math.min(asked, fits);
  }

  /**
   * The {@code -Xmx} in MB, a multiple of 64, that lets {@code pages} be in flight: the advice a capped
   * user is given. An eighth more than the bare need, as a JVM reports a little less than its -Xmx as
   * its max memory (the serial collector leaves out a survivor space).
   */
  public static long heapMbFor(int pages) {
    long need = pages * BYTES_PER_PAGE * 2 * 9 / 8;
    long step = 64L << 20;
    return (need + step - 1) / step * 64;
  }
}

import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.fetch.FetchException;
import dev.pagekeep.fetch.FetchResult;
import dev.pagekeep.fetch.OkHttpFetcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Fetch stage alone: pagekeep's {@link OkHttpFetcher} at concurrency C over N distinct URLs of
 * the delay server, reading whole bodies. Submission is windowed by a semaphore of C permits, so
 * never more than C fetches exist at once (no N futures up front). One attempt per URL, so every
 * failure is counted. Prints a progress line every 5 s and a table at the end.
 *
 * <p>{@code --warmup N} first fetches N other URLs, untimed, as a service that has been running a
 * while would have: both JVMs compiled, the pool's connections open. The table gives that phase's
 * own (cold) rate too, so both figures are there.
 *
 * <pre>
 * java -cp server/target/pagekeep.jar bench/FetchBench.java --base http://127.0.0.1:PORT/ \
 *      [--count 100000] [--concurrency 1000] [--mean-delay-ms 500] [--warmup 0]
 * </pre>
 */
public final class FetchBench {
  public static void main(String[] args) throws Exception {
    String base = null;
    int count = 100_000, concurrency = 1000, warmup = 0;
    double meanDelayMs = 500;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--base" -> base = args[++i];
        case "--count" -> count = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--mean-delay-ms" -> meanDelayMs = Double.parseDouble(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (base == null) throw new IllegalArgumentException("--base http://127.0.0.1:PORT/ is required");
    double bound = concurrency / (meanDelayMs / 1000.0);
    Gauges.port = java.net.URI.create(base).getPort();

    FetchLimits limits = FetchLimits.defaults().withMaxInFlight(concurrency).withMaxPerHost(concurrency)
        .withRetries(1, Duration.ofMillis(500), Duration.ofSeconds(30));
    LongAdder ok = new LongAdder();
    LongAdder bytes = new LongAdder();
    Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    Semaphore window = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(count);
    Gauges gauges = new Gauges();
    Thread monitor = new Thread(() -> gauges.run(ok, errors, done, bound), "monitor");
    monitor.setDaemon(true);

    long start;
    long elapsed;
    double warmupSecs = 0;
    long warmupErrors = 0;
    double cpuBefore = 0;
    double[] usBefore = {0, 0};
    try (OkHttpFetcher fetcher = new OkHttpFetcher(limits)) {
      if (warmup > 0) {
        Map<String, LongAdder> warmErrors = new ConcurrentHashMap<>();
        CountDownLatch warmDone = new CountDownLatch(warmup);
        long w0 = System.nanoTime();
        // Paths after the timed ones: every URL of the run is still fetched for the first time.
        for (int i = 0; i < warmup; i++) {
          window.acquire();
          fetcher.fetch(base + (count + i)).whenComplete((FetchResult r, Throwable e) -> {
            if (e != null) warmErrors.computeIfAbsent(kind(e), k -> new LongAdder()).increment();
            window.release();
            warmDone.countDown();
          });
        }
        warmDone.await();
        warmupSecs = (System.nanoTime() - w0) / 1e9;
        warmupErrors = warmErrors.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.printf(Locale.ROOT, "warm-up: %d requests in %.1f s (%.0f req/s cold), %d errors; now the timed run%n",
            warmup, warmupSecs, warmup / warmupSecs, warmupErrors);
        cpuBefore = gauges.cpuSeconds();
        usBefore = userSys();
      }
      gauges.start = start = System.nanoTime();
      monitor.start();
      for (int i = 0; i < count; i++) {
        window.acquire();
        fetcher.fetch(base + i).whenComplete((FetchResult r, Throwable e) -> {
          if (e == null) {
            ok.increment();
            bytes.add(r.body().length);
          } else {
            Throwable c = e.getCause() != null && !(e instanceof FetchException) ? e.getCause() : e;
            errors.computeIfAbsent(kind(c), k -> new LongAdder()).increment();
          }
          window.release();
          done.countDown();
        });
      }
      done.await();
      elapsed = System.nanoTime() - start;
      gauges.sample();
    }
    monitor.interrupt();
    gauges.sampleTimeWait();

    double secs = elapsed / 1e9;
    double rps = count / secs;
    long errs = errors.values().stream().mapToLong(LongAdder::sum).sum();
    System.out.println();
    System.out.println("| fetch stage | value |");
    System.out.println("|---|---|");
    row("URLs", String.valueOf(count));
    row("concurrency", String.valueOf(concurrency));
    row("warm-up (not timed)", warmup == 0 ? "none: cold start included"
        : fmt("%d other URLs first, %.1f s = %.0f req/s cold, %d errors", warmup, warmupSecs, warmup / warmupSecs, warmupErrors));
    row("wall time", fmt("%.1f s", secs));
    row("requests/s", fmt("%.0f", rps));
    row("Little's-law bound", fmt("%.0f req/s (%d / %.3f s)", bound, concurrency, meanDelayMs / 1000));
    row("ratio to bound", fmt("%.2f", rps / bound));
    row("body bytes read", fmt("%.2f GB (%.0f MB/s)", bytes.sum() / 1e9, bytes.sum() / 1e6 / secs));
    row("ok", String.valueOf(ok.sum()));
    row("errors", errs == 0 ? "0" : errs + " " + new TreeMap<>(Map.copyOf(errors)));
    row("peak RSS", fmt("%d MB", gauges.peakRssKb / 1024));
    row("peak open fds", gauges.peakFds + " (concurrency + " + (gauges.peakFds - concurrency) + ")");
    row("peak threads", String.valueOf(gauges.peakThreads));
    row("TIME_WAIT sockets to the server port (peak / end)", gauges.peakTimeWait + " / " + gauges.lastTimeWait);
    double[] us = userSys();
    double cpu = gauges.cpuSeconds() - cpuBefore;
    row("CPU time (this JVM, timed run)", fmt("%.1f s = %.0f%% of one core; user %.1f s, kernel %.1f s; %.2f ms per request",
        cpu, 100 * cpu / secs, us[0] - usBefore[0], us[1] - usBefore[1], 1000 * cpu / count));
    row("load average at end", Files.readString(Path.of("/proc/loadavg")).trim());
    row("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    System.exit(errs == 0 ? 0 : 1);
  }

  /** "connection refused", "timed out", "HTTP 404"... : the reason without the URL-specific parts. */
  static String kind(Throwable e) {
    if (!(e instanceof FetchException fe)) return e.getClass().getSimpleName();
    String m = String.valueOf(fe.getMessage());
    if (fe.status() > 0) return "HTTP " + fe.status();
    if (m.startsWith("connection refused")) return "connection refused";
    if (m.startsWith("timed out")) return "timeout";
    if (m.startsWith("connection to")) {
      int colon = m.indexOf("failed: ");
      return colon < 0 ? "connection failed" : "connection failed: " + m.substring(colon + 8).replaceAll("[0-9]+", "N");
    }
    return m.length() > 60 ? m.substring(0, 60) : m;
  }

  /** User and kernel CPU seconds of this process (/proc/self/stat fields 14 and 15, in clock ticks). */
  static double[] userSys() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new double[] {Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0};
    } catch (IOException | RuntimeException e) {
      return new double[] {Double.NaN, Double.NaN};
    }
  }

  static void row(String k, String v) { System.out.println("| " + k + " | " + v + " |"); }

  static String fmt(String f, Object... a) { return String.format(Locale.ROOT, f, a); }

  /** Peak RSS, fds, threads and TIME_WAIT, sampled every second; a progress line every 5 s. */
  static final class Gauges {
    volatile long start;
    long peakRssKb, peakFds, peakThreads, peakTimeWait, lastTimeWait;

    void run(LongAdder ok, Map<String, LongAdder> errors, CountDownLatch done, double bound) {
      long lastDone = 0;
      long lastT = System.nanoTime();
      int tick = 0;
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
        sample();
        if (++tick % 5 == 0) {
          sampleTimeWait();
          long now = System.nanoTime();
          long errs = errors.values().stream().mapToLong(LongAdder::sum).sum();
          long d = ok.sum() + errs;
          double rate = (d - lastDone) / ((now - lastT) / 1e9);
          System.out.printf(Locale.ROOT, "[%4.0fs] done %d, %.0f req/s now (%.2f of bound), errors %d, rss %d MB, fds %d, threads %d, time_wait %d%n",
              (now - start) / 1e9, d, rate, rate / bound, errs, rssKb() / 1024, fds(), Thread.activeCount(), lastTimeWait);
          lastDone = d;
          lastT = now;
        }
      }
    }

    synchronized void sample() {
      peakRssKb = Math.max(peakRssKb, rssKb());
      peakFds = Math.max(peakFds, fds());
      peakThreads = Math.max(peakThreads, java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount());
    }

    synchronized void sampleTimeWait() {
      lastTimeWait = timeWait();
      peakTimeWait = Math.max(peakTimeWait, lastTimeWait);
    }

    double cpuSeconds() {
      var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    static long rssKb() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      } catch (IOException ignored) {
        // not Linux
      }
      return 0;
    }

    static long fds() {
      try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
        return s.count();
      } catch (IOException e) {
        return 0;
      }
    }

    /** Sockets to or from the delay server's port in TIME_WAIT (ss prints a header line). */
    static volatile int port;

    static long timeWait() {
      try {
        Process p = new ProcessBuilder("ss", "-tan", "state", "time-wait", "( sport = :" + port + " or dport = :" + port + " )")
            .redirectErrorStream(true).start();
        long lines = new String(p.getInputStream().readAllBytes()).lines().count();
        p.waitFor(5, TimeUnit.SECONDS);
        return Math.max(0, lines - 1);
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
  }
}

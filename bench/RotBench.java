import com.sun.net.httpserver.HttpServer;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.rot.RotChecker;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import dev.pagekeep.store.MapDbArchiveStore;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import okhttp3.Dns;

/**
 * A link-rot pass over N archived URLs spread over H hosts: the real {@link RotChecker} on a real
 * store ({@link MapDbArchiveStore} in a temp dir), against one HTTP server on 127.0.0.1 that answers
 * for every host by its Host header (the checker's DNS maps {@code host-N.test} to 127.0.0.1; nothing
 * leaves loopback). Each answer takes {@code --delay-ms}; 1 URL in 10 answers 404, 1 in 20 redirects
 * to its site's home page, 1 host in 50 does not resolve. Prints URLs/s, the gone found against the
 * expected, the most checks one host saw at once (the per-host cap), the most at once overall, and
 * the heap after a full GC sampled through the pass (flat means the archive is not loaded).
 *
 * <pre>
 * java -Xmx256m -cp server/target/pagekeep.jar bench/RotBench.java [--urls 10000] [--hosts 100]
 *      [--delay-ms 20] [--in-flight 16] [--per-host 2]
 * </pre>
 */
public final class RotBench {
  public static void main(String[] args) throws Exception {
    int urls = 10_000, hosts = 100, delayMs = 20, inFlight = 16, perHost = 2;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--urls" -> urls = Integer.parseInt(args[++i]);
        case "--hosts" -> hosts = Integer.parseInt(args[++i]);
        case "--delay-ms" -> delayMs = Integer.parseInt(args[++i]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
        case "--per-host" -> perHost = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("pagekeep-rotbench");
    Map<String, AtomicInteger> now = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
    AtomicInteger all = new AtomicInteger();
    AtomicInteger allMost = new AtomicInteger();
    LongAdder requests = new LongAdder();
    final int delay = delayMs;
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.setExecutor(Executors.newFixedThreadPool(64));
    server.createContext("/", ex -> {
      String host = ex.getRequestHeaders().getFirst("Host").replaceFirst(":\\d+$", "");
      int h = now.computeIfAbsent(host, k -> new AtomicInteger()).incrementAndGet();
      most.computeIfAbsent(host, k -> new AtomicInteger()).accumulateAndGet(h, Math::max);
      allMost.accumulateAndGet(all.incrementAndGet(), Math::max);
      requests.increment();
      boolean counted = true;
      try {
        Thread.sleep(delay);
        // Counted off before the answer leaves: the client cannot start its next call on this slot earlier.
        now.get(host).decrementAndGet();
        all.decrementAndGet();
        counted = false;
        String path = ex.getRequestURI().getPath();
        int n = path.startsWith("/page-") ? Integer.parseInt(path.substring(6)) : -1;
        if (n >= 0 && n % 10 == 0) {
          ex.sendResponseHeaders(404, -1);
        } else if (n >= 0 && n % 20 == 5) {
          ex.getResponseHeaders().set("Location", "/");
          ex.sendResponseHeaders(301, -1);
        } else {
          byte[] body = ("<!doctype html><title>" + host + path + "</title><p>still here</p>").getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (counted) {
          now.get(host).decrementAndGet();
          all.decrementAndGet();
        }
        ex.close();
      }
    });
    server.start();
    int port = server.getAddress().getPort();
    Dns dns = name -> {
      if (!name.endsWith(".test") || name.startsWith("lapsed-")) throw new UnknownHostException(name + " (bench DNS)");
      return List.of(InetAddress.getLoopbackAddress());
    };

    MapDbArchiveStore store = MapDbArchiveStore.open(dir.resolve("archive.db"));
    long expectedGone = 0;
    long t0 = System.nanoTime();
    ExecutorService writers = Executors.newFixedThreadPool(32);
    List<Future<?>> puts = new ArrayList<>();
    for (int i = 0; i < urls; i++) {
      int hostNo = i % hosts;
      int pageNo = i / hosts;
      boolean lapsed = hostNo % 50 == 49;
      String url = "http://" + (lapsed ? "lapsed-" : "host-") + hostNo + ".test:" + port + "/page-" + pageNo;
      if (lapsed || pageNo % 10 == 0 || pageNo % 20 == 5) expectedGone++;
      puts.add(writers.submit(() -> put(store, url)));
    }
    for (Future<?> f : puts) f.get();
    writers.shutdown();
    System.out.printf(Locale.ROOT, "archived %,d URLs over %d hosts in %.1f s; %d cores, load %s%n", urls, hosts,
        (System.nanoTime() - t0) / 1e9, Runtime.getRuntime().availableProcessors(), load());
    puts = null;

    long heapBefore = heapAfterGc();
    RotChecker checker = new RotChecker(store.rot(), RotChecker.Options.defaults().withDns(dns)
        .withLimits(inFlight, perHost).withPace(1.0, Duration.ofDays(7), Duration.ofDays(1)), Clock.systemUTC()).start();
    long start = System.nanoTime();
    checker.checkAllNow();
    List<String> samples = new ArrayList<>();
    long heapMax = 0;
    long heapMin = Long.MAX_VALUE;
    long nextSample = start;
    while (checker.passesFinished() < 1) {
      Thread.sleep(100);
      if (System.nanoTime() >= nextSample) {
        long used = heapAfterGc();
        heapMax = Math.max(heapMax, used);
        heapMin = Math.min(heapMin, used);
        samples.add(String.format(Locale.ROOT, "%d:%.1f", checker.status().checked(), used / 1048576.0));
        nextSample = System.nanoTime() + 2_000_000_000L;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long checked = checker.status().checked();
    long gone = store.rot().goneCount();
    int worstHost = most.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    checker.close();
    long heapAfter = heapAfterGc();
    System.out.println();
    System.out.println("| figure | value |");
    System.out.println("|---|---|");
    System.out.printf(Locale.ROOT, "| URLs checked | %,d (%,d requests reached the server: none for hosts that do not resolve) |%n", checked, requests.sum());
    System.out.printf(Locale.ROOT, "| time | %.1f s |%n", seconds);
    System.out.printf(Locale.ROOT, "| URLs/s | %.0f (bound %d in flight / %d ms = %.0f/s) |%n", checked / seconds, inFlight, delayMs,
        inFlight * 1000.0 / delayMs);
    System.out.printf(Locale.ROOT, "| marked gone | %,d (expected %,d) |%n", gone, expectedGone);
    System.out.printf(Locale.ROOT, "| most at once on one host | %d (cap %d) |%n", worstHost, perHost);
    System.out.printf(Locale.ROOT, "| most at once overall | %d (cap %d) |%n", allMost.get(), inFlight);
    System.out.printf(Locale.ROOT, "| heap after GC | before %.1f MB, during %.1f..%.1f MB, after %.1f MB |%n", heapBefore / 1048576.0,
        heapMin / 1048576.0, heapMax / 1048576.0, heapAfter / 1048576.0);
    System.out.println("| samples (checked:MB) | " + String.join(" ", samples) + " |");
    System.out.printf(Locale.ROOT, "| load at the end | %s |%n", load());
    store.close();
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    if (worstHost > perHost || gone != expectedGone || checked != urls) System.exit(1);
  }

  static void put(MapDbArchiveStore store, String url) {
    Blob body = Blob.of(("<title>" + url + "</title><p>archived</p>").getBytes(StandardCharsets.UTF_8));
    Capture c = new Capture(UrlKeys.urlKey(url), url, "20240101000000", Capture.PAGE, 200, "text/html", url,
        List.of("Content-Type: text/html"), body.digest(), body.size(), url, null, List.of(), "import", null);
    store.putSnapshot(new StoredCapture(c, body, null), List.of());
  }

  static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
    } catch (Exception e) {
      return "?";
    }
  }
}

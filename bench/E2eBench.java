import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Archive end to end: queues N URLs of the delay server into a running {@code pagekeep serve}
 * (in chunks of 10,000 over {@code POST /api/saves}, the API's maximum, or not at all with
 * --no-feed when {@code pagekeep import} did it), then follows {@code /api/stats} until every
 * save is done or failed. Prints a progress line every 10 s and a table at the end; checks
 * that nothing was lost (done + failed = N, queued = 0) and counts failure reasons.
 *
 * <pre>
 * java bench/E2eBench.java --service http://127.0.0.1:P --token-file DIR/token --pid PID \
 *      --data DIR --pages http://127.0.0.1:Q/ --count 100000 [--no-feed]
 * java bench/E2eBench.java --jfr-summary FILE      (top frames of a JFR recording)
 * </pre>
 */
public final class E2eBench {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    String service = null, pages = null, tokenFile = null, data = null;
    long pid = -1;
    int count = 100_000;
    boolean feed = true;
    long timeoutMinutes = 120;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--service" -> service = args[++i];
        case "--pages" -> pages = args[++i];
        case "--token-file" -> tokenFile = args[++i];
        case "--data" -> data = args[++i];
        case "--pid" -> pid = Long.parseLong(args[++i]);
        case "--count" -> count = Integer.parseInt(args[++i]);
        case "--no-feed" -> feed = false;
        case "--timeout-minutes" -> timeoutMinutes = Long.parseLong(args[++i]);
        case "--jfr-summary" -> {
          jfrSummary(Path.of(args[++i]));
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String token = Files.readString(Path.of(tokenFile)).trim();
    // A resumed run (e2e.sh with E2E_DIR) starts with saves finished by the earlier part.
    Map<String, Long> first = stats(service, token);
    long before = first.get("done") + first.get("failed");
    if (before > 0) System.out.printf(Locale.ROOT, "resumed: %d saves already finished, %d queued%n", before, first.get("queued"));
    long start = System.nanoTime();
    long peakRss = 0;
    if (feed) {
      for (int from = 0; from < count; from += 10_000) {
        int to = Math.min(count, from + 10_000);
        StringBuilder body = new StringBuilder(to * 40).append("{\"source\":\"import\",\"urls\":[");
        for (int n = from; n < to; n++) body.append(n == from ? "" : ",").append('"').append(pages).append(n).append('"');
        body.append("]}");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(service + "/api/saves"))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) throw new IllegalStateException("POST /api/saves answered " + r.statusCode() + ": " + r.body());
        peakRss = Math.max(peakRss, rssKb(pid));
      }
    }
    double feedSecs = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "queued %d URLs in %.1f s%n", count, feedSecs);

    Map<String, Long> s = Map.of();
    long lastFinished = before, lastT = System.nanoTime();
    long deadline = start + Duration.ofMinutes(timeoutMinutes).toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(10_000);
      s = stats(service, token);
      long finished = s.get("done") + s.get("failed");
      long now = System.nanoTime();
      peakRss = Math.max(peakRss, rssKb(pid));
      peakAnon = Math.max(peakAnon, statusKb(pid, "RssAnon:"));
      System.out.printf(Locale.ROOT, "[%5.0fs] done %d, failed %d, queued %d, %.0f pages/s now, service rss %d MB (anon %d MB), store %d MB, load %s%n",
          (now - start) / 1e9, s.get("done"), s.get("failed"), s.get("queued"),
          (finished - lastFinished) / ((now - lastT) / 1e9), rssKb(pid) / 1024, statusKb(pid, "RssAnon:") / 1024,
          dirBytes(data) >> 20, loadavg());
      lastFinished = finished;
      lastT = now;
      if (finished >= count && s.get("queued") == 0) break;
    }
    double secs = (System.nanoTime() - start) / 1e9;
    long finished = s.get("done") + s.get("failed");
    Map<String, Long> reasons = s.get("failed") > 0 ? failureReasons(service, token) : Map.of();
    long hwm = hwmKb(pid);

    System.out.println();
    System.out.println("| archive end to end | value |");
    System.out.println("|---|---|");
    row("URLs queued", count + (feed ? " (POST /api/saves, 10,000 per request)" : " (pagekeep import)"));
    row("queueing time", fmt("%.1f s", feedSecs));
    row("done / failed / queued", s.get("done") + " / " + s.get("failed") + " / " + s.get("queued"));
    row("lost (queued - done - failed)", String.valueOf(count - finished));
    row("failure reasons (sample of up to 1000)", reasons.isEmpty() ? "-" : reasons.toString());
    if (before > 0) row("finished before this part of the run", String.valueOf(before));
    row("wall time (queue + archive)" + (before > 0 ? ", this part" : ""), fmt("%.1f s", secs));
    row("pages/s (overall" + (before > 0 ? ", this part" : "") + ")", fmt("%.1f", (finished - before) / secs));
    row("service peak RSS (VmHWM)", (hwm > 0 ? hwm : peakRss) / 1024 + " MB");
    // RSS counts the mmap'd store and index pages the kernel can drop; the anonymous part is
    // the JVM's own memory (heap capped at 256 MB, metaspace, threads, buffers).
    row("service peak anonymous RSS (sampled every 10 s)", peakAnon / 1024 + " MB");
    row("store size on disk", (dirBytes(data) >> 20) + " MB (" + fmt("%.1f KB/page", dirBytes(data) / 1024.0 / Math.max(1, finished)) + ")");
    row("bytes logical / stored (stats)", s.get("logical") + " / " + s.get("stored"));
    row("load average at end", loadavg());
    row("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    System.exit(count == finished ? 0 : 1);
  }

  static Map<String, Long> stats(String service, String token) throws IOException, InterruptedException {
    String json = get(service + "/api/stats", token);
    Map<String, Long> out = new HashMap<>();
    for (String k : List.of("queued", "fetching", "done", "failed", "logical", "stored")) {
      Matcher m = Pattern.compile("\"" + k + "\":(\\d+)").matcher(json);
      out.put(k, m.find() ? Long.parseLong(m.group(1)) : 0L);
    }
    return out;
  }

  static Map<String, Long> failureReasons(String service, String token) throws IOException, InterruptedException {
    String json = get(service + "/api/saves?state=failed&limit=1000", token);
    Matcher m = Pattern.compile("\"error\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    Map<String, Long> out = new TreeMap<>();
    while (m.find()) out.merge(m.group(1).replaceAll("[0-9]+", "N"), 1L, Long::sum);
    return out;
  }

  static String get(String url, String token) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static long peakAnon;

  static long rssKb(long pid) { return statusKb(pid, "VmRSS:"); }

  static long hwmKb(long pid) { return statusKb(pid, "VmHWM:"); }

  static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException ignored) {
      // the service is gone
    }
    return 0;
  }

  /** Bytes under dir; files that vanish while it walks (Lucene merges) are skipped, and a failed walk is retried. */
  static long dirBytes(String dir) {
    for (int attempt = 0; attempt < 5; attempt++) {
      try (Stream<Path> s = Files.walk(Path.of(dir))) {
        return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      } catch (IOException | java.io.UncheckedIOException e) {
        // a file was deleted during the walk: try again
      }
    }
    return -1;
  }

  static String loadavg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().substring(0, 14).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  static void row(String k, String v) { System.out.println("| " + k + " | " + v + " |"); }

  static String fmt(String f, Object... a) { return String.format(Locale.ROOT, f, a); }

  /** CPU samples of a JFR recording: top frames, and samples by the first pagekeep/library package on the stack. */
  static void jfrSummary(Path file) throws IOException {
    Map<String, Long> top = new HashMap<>();
    Map<String, Long> area = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    long total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      if (frames.isEmpty()) continue;
      total++;
      RecordedFrame f = frames.get(0);
      top.merge(f.getMethod().getType().getName() + "." + f.getMethod().getName(), 1L, Long::sum);
      area.merge(area(frames), 1L, Long::sum);
      String t = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
      threads.merge(t == null ? "?" : t.replaceAll("-?[0-9]+$", "-N"), 1L, Long::sum);
    }
    System.out.println("| CPU samples (" + total + ") by stage | % |");
    System.out.println("|---|---|");
    print(area, total, 12);
    System.out.println();
    System.out.println("| CPU samples by thread | % |");
    System.out.println("|---|---|");
    print(threads, total, 8);
    System.out.println();
    System.out.println("| top frames | % |");
    System.out.println("|---|---|");
    print(top, total, 15);
  }

  /** The stage a sample belongs to: the most telling frame on its stack. */
  static String area(List<RecordedFrame> frames) {
    String[][] rules = {
        {"org.jsoup.", "jsoup (parse, select, text)"},
        {"java.util.zip.Deflater", "deflate (Blob.encode)"},
        {"sun.security.provider.SHA", "SHA-256 (Blob digest)"},
        {"org.mapdb.", "MapDB (store writes/reads)"},
        {"com.fasterxml.jackson", "Jackson (JSON)"},
        {"okio.", "okio (socket I/O)"},
        {"okhttp3.", "OkHttp (calls, pool)"},
        {"org.eclipse.jetty", "Jetty (API server)"},
        {"io.javalin", "Javalin"},
    };
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      for (String[] r : rules) if (type.startsWith(r[0])) return r[1];
    }
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      if (type.startsWith("dev.pagekeep.")) return "pagekeep " + type.substring(13);
    }
    String t = frames.get(0).getMethod().getType().getName();
    return t.contains(".") ? t.substring(0, t.lastIndexOf('.')) : t;
  }

  static void print(Map<String, Long> m, long total, int n) {
    m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
        .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.1f |%n", e.getKey(), 100.0 * e.getValue() / total));
  }
}

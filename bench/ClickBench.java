import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Click to "done" behind a bulk backlog: with a service whose queue is full of import saves (of
 * the slow delay server), sends CLICKS toolbar saves of another host ({@code POST /api/saves} with
 * {@code "source":"toolbar"}, as the extension does) one after another, a second apart, and times
 * each from the POST to {@code GET /api/saves/{id}} saying done (polled every 10 ms). The other
 * host is a small origin started here on 127.0.0.2 (a page and its stylesheet, answered at once).
 *
 * <pre>
 * java -cp server/target/pagekeep.jar bench/ClickBench.java --service URL --token-file F
 *      [--clicks 20] [--html] [--timeout-seconds 120] [--pause-ms 1000]
 * </pre>
 * With {@code --html} each click carries the page's DOM (the extension's toolbar save: only the
 * stylesheet is fetched); without it the service fetches the page itself.
 */
public class ClickBench {
  private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
  private static final Pattern STATE = Pattern.compile("\"state\":\"([a-z-]+)\"");
  private static final Pattern QUEUED = Pattern.compile("\"queued\":(\\d+)");
  private static final Pattern DONE = Pattern.compile("\"done\":(\\d+)");

  public static void main(String[] args) throws Exception {
    String service = null;
    Path tokenFile = null;
    int clicks = 20;
    boolean html = false;
    long timeoutMs = 120_000;
    long pauseMs = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--service" -> service = args[++i];
        case "--token-file" -> tokenFile = Path.of(args[++i]);
        case "--clicks" -> clicks = Integer.parseInt(args[++i]);
        case "--html" -> html = true;
        case "--timeout-seconds" -> timeoutMs = Long.parseLong(args[++i]) * 1000;
        case "--pause-ms" -> pauseMs = Long.parseLong(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    if (service == null || tokenFile == null) {
      System.err.println("usage: ClickBench --service URL --token-file FILE [--clicks N] [--html]");
      System.exit(2);
    }
    String token = Files.readString(tokenFile).trim();
    HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    origin.setExecutor(Executors.newFixedThreadPool(4));
    origin.createContext("/", ex -> {
      boolean css = ex.getRequestURI().getPath().endsWith(".css");
      byte[] body = (css ? "body{font-family:sans-serif;margin:2em}" : page(ex.getRequestURI().getPath())).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", css ? "text/css" : "text/html; charset=utf-8");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    origin.start();
    String host = "http://127.0.0.2:" + origin.getAddress().getPort();
    HttpClient http = HttpClient.newHttpClient();

    String before = get(http, service + "/api/stats", token);
    System.out.printf(Locale.ROOT, "before the clicks: %s queued, %s done%n", find(QUEUED, before), find(DONE, before));
    List<Long> millis = new ArrayList<>();
    int late = 0;
    for (int c = 0; c < clicks; c++) {
      String path = "/clicked/" + c + "-" + System.nanoTime();
      String body = "{\"url\":\"" + host + path + "\",\"source\":\"toolbar\",\"title\":\"Clicked " + c + "\""
          + (html ? ",\"html\":" + quote(page(path)) : "") + "}";
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service + "/api/saves"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) throw new IllegalStateException("POST /api/saves answered " + r.statusCode() + ": " + r.body());
      String id = find(ID, r.body());
      String state = "queued";
      while (!state.equals("done") && !state.equals("failed") && System.nanoTime() - t0 < timeoutMs * 1_000_000) {
        Thread.sleep(10);
        state = find(STATE, get(http, service + "/api/saves/" + id, token));
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (!state.equals("done")) {
        late++;
        System.out.printf(Locale.ROOT, "click %2d: %s after %d ms%n", c + 1, state, ms);
        ms = timeoutMs;
      } else {
        System.out.printf(Locale.ROOT, "click %2d: done in %d ms%n", c + 1, ms);
      }
      millis.add(ms);
      Thread.sleep(pauseMs);
    }
    String after = get(http, service + "/api/stats", token);
    origin.stop(0);
    Collections.sort(millis);
    System.out.printf(Locale.ROOT, "after the clicks: %s queued, %s done%n", find(QUEUED, after), find(DONE, after));
    System.out.printf(Locale.ROOT, "| %s | %d | %d ms | %d ms | %d ms | %d | %s |%n",
        html ? "toolbar save with the DOM" : "toolbar save, fetched by the service", clicks,
        pct(millis, 50), pct(millis, 95), millis.get(millis.size() - 1), late, find(QUEUED, after));
    origin.stop(0);
    System.exit(0); // the origin's pool threads are not daemons
  }

  private static long pct(List<Long> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static String page(String path) {
    return "<!doctype html><html><head><title>Clicked " + path + "</title><link rel=stylesheet href=/site.css></head>"
        + "<body><h1>" + path + "</h1><p>" + "A page someone is reading. ".repeat(40) + "</p></body></html>";
  }

  private static String get(HttpClient http, String url, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String find(Pattern p, String s) {
    Matcher m = p.matcher(s);
    return m.find() ? m.group(1) : "?";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

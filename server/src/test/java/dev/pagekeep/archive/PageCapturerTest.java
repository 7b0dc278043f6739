package dev.pagekeep.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.fetch.OkHttpFetcher;
import dev.pagekeep.model.Capture;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import dev.pagekeep.store.MapDbArchiveStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requisites shared by the pages of a site (a real HTTP server on 127.0.0.1, the real fetcher):
 * fetched once while HTTP says they are fresh, and stored with every page all the same.
 */
class PageCapturerTest {
  private static final String YEAR_AGO =
      DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusYears(1));

  private HttpServer server;
  private String base;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final ExecutorService cpu = Executors.newFixedThreadPool(2);
  private OkHttpFetcher fetcher;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    page("/a", "/site.css", "/nostore.css", "/fresh.css");
    page("/b", "/site.css", "/nostore.css", "/fresh.css");
    resource("/site.css", "text/css", "@import url(/base.css); body { background: url(/logo.png) }",
        "Last-Modified: " + YEAR_AGO);
    resource("/base.css", "text/css", "p { color: red }", "Last-Modified: " + YEAR_AGO);
    resource("/logo.png", "image/png", "PNG", "Last-Modified: " + YEAR_AGO);
    resource("/nostore.css", "text/css", "h1 { color: blue }", "Cache-Control: no-store", "Last-Modified: " + YEAR_AGO);
    resource("/fresh.css", "text/css", "h2 { color: green }"); // neither max-age nor Last-Modified
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    fetcher = new OkHttpFetcher(FetchLimits.defaults());
  }

  @AfterEach
  void stop() {
    server.stop(0);
    fetcher.close();
    cpu.shutdownNow();
  }

  private void page(String path, String... stylesheets) {
    StringBuilder html = new StringBuilder("<!doctype html><html><head><title>" + path + "</title>");
    for (String s : stylesheets) html.append("<link rel=stylesheet href=\"").append(s).append("\">");
    html.append("</head><body><p>text of ").append(path).append("</p></body></html>");
    resource(path, "text/html; charset=utf-8", html.toString());
  }

  private void resource(String path, String type, String body, String... headers) {
    server.createContext(path, ex -> {
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", type);
      for (String h : headers) {
        String[] nv = h.split(": ", 2);
        ex.getResponseHeaders().add(nv[0], nv[1]);
      }
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    });
  }

  private int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  private static Map<String, String> digestsByUrl(PageCapturer.Result r) {
    return r.requisites().stream().collect(Collectors.toMap(s -> s.capture().url(), s -> s.capture().digest()));
  }

  @Test
  void sharedRequisitesAreFetchedOnceWhileFreshAndStoredWithEveryPage() throws Exception {
    PageCapturer capturer = new PageCapturer(fetcher, cpu, 50, 0);
    PageCapturer.Result a = capturer.capture(base + "/a", "api", "20260101000000").get(10, TimeUnit.SECONDS);
    PageCapturer.Result b = capturer.capture(base + "/b", "api", "20260101000001").get(10, TimeUnit.SECONDS);
    // The page's text comes with the result, as its text blob has it (indexing takes it from here).
    assertThat(a.text()).isEqualTo("text of /a")
        .isEqualTo(new String(Blob.decode(a.page().text().stored()), java.nio.charset.StandardCharsets.UTF_8));

    // Last-Modified a year ago: fresh for weeks by HTTP's heuristic, so fetched once (imports too).
    assertThat(hits("/site.css")).isEqualTo(1);
    assertThat(hits("/base.css")).isEqualTo(1);
    assertThat(hits("/logo.png")).isEqualTo(1);
    // no-store, and a response HTTP gives no freshness to, are fetched for every page.
    assertThat(hits("/nostore.css")).isEqualTo(2);
    assertThat(hits("/fresh.css")).isEqualTo(2);

    // Both pages have every requisite, with the same bytes, under their own timestamps.
    assertThat(digestsByUrl(b)).isEqualTo(digestsByUrl(a)).containsOnlyKeys(
        base + "/site.css", base + "/base.css", base + "/logo.png", base + "/nostore.css", base + "/fresh.css");
    assertThat(b.requisites()).allSatisfy(s -> assertThat(s.capture().timestamp()).isEqualTo("20260101000001"));
    StoredCapture css = b.requisites().stream().filter(s -> s.capture().url().endsWith("/site.css")).findFirst().orElseThrow();
    assertThat(css.capture().contentType()).isEqualTo("text/css");
    assertThat(css.capture().headers()).anyMatch(h -> h.toLowerCase().startsWith("last-modified:"));

    // Stored: page b names all five requisites, and the reused stylesheet replays with its bytes.
    try (MapDbArchiveStore store = MapDbArchiveStore.inMemory()) {
      store.putSnapshot(a.page(), a.requisites());
      Capture pageB = store.putSnapshot(b.page(), b.requisites()).orElseThrow();
      assertThat(pageB.resources()).hasSize(5);
      Capture storedCss = store.capture(css.capture().urlKey(), "20260101000001").orElseThrow();
      assertThat(new String(store.blob(storedCss.digest()).orElseThrow(), StandardCharsets.UTF_8))
          .isEqualTo("@import url(/base.css); body { background: url(/logo.png) }");
    }
  }

  @Test
  void aRequisiteIsFetchedAgainOnceItIsStale() throws Exception {
    AtomicLong now = new AtomicLong();
    PageCapturer capturer = new PageCapturer(fetcher, cpu, 50, 0,
        new RecentRequisites(60_000, 100, 1 << 20, now::get));
    capturer.capture(base + "/a", "api", "20260101000000").get(10, TimeUnit.SECONDS);
    capturer.capture(base + "/b", "api", "20260101000001").get(10, TimeUnit.SECONDS);
    assertThat(hits("/site.css")).isEqualTo(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(61)); // past the cap of 60 s
    capturer.capture(base + "/a", "api", "20260101000002").get(10, TimeUnit.SECONDS);
    assertThat(hits("/site.css")).isEqualTo(2);
    assertThat(hits("/base.css")).isEqualTo(2);
  }

  @Test
  void noneFetchesEveryRequisiteForEveryPage() throws Exception {
    PageCapturer capturer = new PageCapturer(fetcher, cpu, 50, 0, RecentRequisites.none());
    capturer.capture(base + "/a", "api", "20260101000000").get(10, TimeUnit.SECONDS);
    capturer.capture(base + "/b", "api", "20260101000001").get(10, TimeUnit.SECONDS);
    assertThat(hits("/site.css")).isEqualTo(2);
    assertThat(hits("/logo.png")).isEqualTo(2);
  }

  @Test
  void freshnessFollowsHttpCaching() {
    long now = ZonedDateTime.parse(YEAR_AGO, DateTimeFormatter.RFC_1123_DATE_TIME).plusDays(10).toInstant().toEpochMilli();
    assertThat(RecentRequisites.freshnessMillis(List.of("Cache-Control: public, max-age=300"), now)).isEqualTo(300_000);
    assertThat(RecentRequisites.freshnessMillis(List.of("Last-Modified: " + YEAR_AGO), now))
        .isEqualTo(TimeUnit.DAYS.toMillis(1)); // a tenth of 10 days
    assertThat(RecentRequisites.freshnessMillis(List.of("Cache-Control: max-age=300", "Last-Modified: " + YEAR_AGO), now))
        .isEqualTo(300_000);
    assertThat(RecentRequisites.freshnessMillis(List.of("Cache-Control: no-cache", "Last-Modified: " + YEAR_AGO), now)).isZero();
    assertThat(RecentRequisites.freshnessMillis(List.of("Cache-Control: no-store, max-age=300"), now)).isZero();
    assertThat(RecentRequisites.freshnessMillis(List.of("Vary: Cookie", "Cache-Control: max-age=300"), now)).isZero();
    assertThat(RecentRequisites.freshnessMillis(List.of("Vary: Accept-Encoding", "Cache-Control: max-age=300"), now))
        .isEqualTo(300_000);
    assertThat(RecentRequisites.freshnessMillis(List.of("Set-Cookie: a=b", "Cache-Control: max-age=300"), now)).isZero();
    assertThat(RecentRequisites.freshnessMillis(List.of("Cache-Control: max-age=soon"), now)).isZero();
    assertThat(RecentRequisites.freshnessMillis(List.of("Content-Type: text/css"), now)).isZero();
  }
}

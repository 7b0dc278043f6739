package dev.pagekeep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.config.Config;
import dev.pagekeep.config.DataDir;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.ServiceHarness;
import dev.pagekeep.testing.RawHttp.Reply;
import io.javalin.Javalin;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service on port 0 against a real origin on 127.0.0.1: diffs between snapshots,
 * shared requisites stored once, legacy charsets replayed (and in reader view) as UTF-8.
 */
class FaithfulSnapshotsTest {
  private static final int PAGES = 30;
  private static final Charset CP1252 = Charset.forName("windows-1252");
  private static final Charset SJIS = Charset.forName("Shift_JIS");
  private static final String WESTERN = "Café crème — naïve “quotes” cost 5 €";
  private static final String JAPANESE = "日本語のページです。東京の天気は晴れ。";

  @TempDir Path dir;
  private final AtomicReference<String> changing = new AtomicReference<>();
  private final Map<String, byte[]> shared = Map.of(
      "/shared/site.css", "body{font-family:Shared,serif;background:url(hero.jpg)}@font-face{font-family:Shared;src:url(font.woff2)}"
          .getBytes(StandardCharsets.UTF_8),
      "/shared/hero.jpg", noise(1, 60_000),
      "/shared/font.woff2", noise(2, 30_000),
      "/shared/logo.png", noise(3, 10_000));
  private Javalin origin;
  private ServiceHarness harness;
  private Service service;
  private RawHttp http;

  @BeforeEach
  void start() {
    origin = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.routes.get("/changing.html", ctx -> ctx.contentType("text/html; charset=utf-8").result(changing.get()));
      // Every page lives under its own directory and links its requisites relatively, so each has
      // URLs of its own (distinct captures) with bodies identical to every other page's.
      config.routes.get("/site{n}/page.html", ctx -> ctx.contentType("text/html; charset=utf-8").result(
          "<!doctype html><title>Page " + ctx.pathParam("n") + "</title><link rel=stylesheet href=shared/site.css>"
              + "<img src=shared/logo.png><p>Only page " + ctx.pathParam("n") + " says this.</p>"));
      config.routes.get("/site{n}/shared/{file}", ctx -> ctx.contentType(ctx.pathParam("file").endsWith(".css") ? "text/css" : "application/octet-stream")
          .result(shared.get("/shared/" + ctx.pathParam("file"))));
      config.routes.get("/cs/cp1252-header", ctx -> ctx.contentType("text/html; charset=windows-1252")
          .result(page("", WESTERN).getBytes(CP1252)));
      config.routes.get("/cs/cp1252-meta", ctx -> ctx.contentType("text/html")
          .result(page("<meta charset=windows-1252>", WESTERN).getBytes(CP1252)));
      config.routes.get("/cs/sjis-header", ctx -> ctx.contentType("text/html; charset=Shift_JIS")
          .result(page("", JAPANESE).getBytes(SJIS)));
      config.routes.get("/cs/sjis-meta", ctx -> ctx.contentType("text/html")
          .result(page("<meta http-equiv=Content-Type content=\"text/html; charset=Shift_JIS\">", JAPANESE).getBytes(SJIS)));
    }).start("127.0.0.1", 0);
    FetchLimits limits = FetchLimits.defaults().withRetries(1, Duration.ofMillis(20), Duration.ofMillis(100));
    harness = ServiceHarness.builder(dir.resolve("data")).fetch(limits).site(origin::stop).start();
    service = harness.service();
    http = harness.http();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + origin.port() + path;
  }

  private static String page(String head, String text) {
    return "<!doctype html><html><head>" + head + "<title>" + text + "</title></head><body><p id=t>" + text + "</p></body></html>";
  }

  private static byte[] noise(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private List<JsonNode> archive(List<String> urls) throws InterruptedException {
    Reply r = http.post("/api/saves", Map.of("urls", urls));
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    List<JsonNode> done = new ArrayList<>();
    for (JsonNode s : r.json().path("saves")) {
      JsonNode now = Await.value("save of " + s.path("url") + " finished", Duration.ofSeconds(60),
          () -> http.get("/api/saves/" + s.path("id").asLong()).json(), n -> n.path("state").asText().matches("done|failed"));
      assertThat(now.path("state").asText()).as(now.toString()).isEqualTo("done");
      done.add(now);
    }
    return done;
  }

  @Test
  void diffBetweenTwoSnapshotsShowsAddedAndRemovedParagraphsInTheBrowserAndAsJson() throws Exception {
    String u = url("/changing.html");
    changing.set("<title>News</title><p>Opening line stays.</p><p>The mayor said yes.</p><p>Closing line stays.</p>");
    String first = archive(List.of(u)).get(0).path("snapshot").path("timestamp").asText();
    changing.set("<title>News</title><p>Opening line stays.</p><p>The mayor said no &lt;script&gt;alert(1)&lt;/script&gt;.</p>"
        + "<p>Closing line stays.</p><p>Correction appended later.</p>");
    String second = archive(List.of(u)).get(0).path("snapshot").path("timestamp").asText();
    assertThat(second).isNotEqualTo(first);
    String hash = UrlKeys.hashUrl(u);

    JsonNode json = http.get("/api/snapshots/" + hash + "/diff").json();
    assertThat(json.path("from").asText()).isEqualTo(first);
    assertThat(json.path("to").asText()).isEqualTo(second);
    assertThat(json.path("added").asInt()).isEqualTo(2);
    assertThat(json.path("removed").asInt()).isEqualTo(1);
    List<String> ops = new ArrayList<>();
    for (JsonNode l : json.path("lines")) ops.add(l.path("op").asText() + " " + l.path("text").asText());
    assertThat(ops).contains("removed The mayor said yes.", "added The mayor said no <script>alert(1)</script>.",
        "added Correction appended later.", "same Opening line stays.");

    // The replay banner of the newer snapshot links to the diff page, which reads in the browser.
    Document replay = Jsoup.parse(http.get("/web/" + second + "/" + u).text());
    String link = replay.getElementById("pagekeep-changes").attr("href");
    assertThat(link).isEqualTo("/diff/" + first + "/" + second + "/" + u);
    assertThat(replay.getElementById("pagekeep-reader").attr("href")).isEqualTo("/reader/" + hash + "/" + second);
    assertThat(http.get("/reader/" + hash + "/" + second).text()).contains("Correction appended later.");
    Reply page = http.get(link);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'none'");
    Document diff = Jsoup.parse(page.text());
    assertThat(diff.select("script")).isEmpty();
    assertThat(diff.select("del.removed").eachText()).containsExactly("The mayor said yes.");
    assertThat(diff.select("ins.added").eachText()).containsExactly("The mayor said no <script>alert(1)</script>.", "Correction appended later.");
    assertThat(diff.getElementById("from").attr("href")).isEqualTo("/web/" + first + "/" + u);

    assertThat(http.get("/diff/" + first + "/" + second + "/" + url("/never-saved.html")).status()).isEqualTo(404);
    assertThat(http.get("/diff/yesterday/" + second + "/" + u).status()).isEqualTo(400);
    assertThat(http.get("/api/snapshots/" + hash + "/diff?from=20000101000000").status()).isEqualTo(404);
    assertThat(RawHttp.raw(service.port(), "GET", link, Map.of("Host", "127.0.0.1:" + service.port()), null).status()).as("the archive is private").isEqualTo(401);
  }

  @Test
  void requisitesSharedByManyPagesAreStoredOnce() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int n = 0; n < PAGES; n++) urls.add(url("/site" + n + "/page.html"));
    archive(urls);

    JsonNode stats = http.get("/api/stats").json();
    long logical = stats.path("bytes").path("logical").asLong();
    long stored = stats.path("bytes").path("stored").asLong();
    long sharedBytes = shared.values().stream().mapToLong(b -> b.length).sum();
    assertThat(stats.path("snapshots").asLong()).isEqualTo(PAGES);
    assertThat(logical).as("every page counts its requisites").isGreaterThanOrEqualTo(PAGES * sharedBytes);
    assertThat(stored).as("shared requisites once, plus small pages").isLessThan(sharedBytes + PAGES * 2_000L);
    // One blob per shared requisite, plus each page's body and its extracted text.
    assertThat(stats.path("bytes").path("blobs").asLong()).isEqualTo(shared.size() + 2L * PAGES);
    // And each page still replays its requisites.
    String ts = http.get("/api/snapshots/" + UrlKeys.hashUrl(urls.get(7))).json().path("versions").get(0).path("timestamp").asText();
    Reply font = http.get("/web/" + ts + "/" + url("/site7/shared/font.woff2"));
    assertThat(font.status()).isEqualTo(200);
    assertThat(font.body()).isEqualTo(shared.get("/shared/font.woff2"));
  }

  @Test
  void legacyCharsetsFromHeaderOrMetaReplayAsUtf8() throws Exception {
    Map<String, String> expected = Map.of("/cs/cp1252-header", WESTERN, "/cs/cp1252-meta", WESTERN,
        "/cs/sjis-header", JAPANESE, "/cs/sjis-meta", JAPANESE);
    List<String> urls = expected.keySet().stream().map(this::url).toList();
    List<JsonNode> done = archive(urls);
    for (JsonNode s : done) {
      String path = s.path("url").asText().substring(url("").length());
      String text = expected.get(path);
      Reply r = http.get("/web/" + s.path("snapshot").path("timestamp").asText() + "mp_/" + s.path("url").asText());
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.header("Content-Type")).as(path).matches("(?i)text/html; ?charset=utf-8");
      Document doc = Jsoup.parse(new String(r.body(), StandardCharsets.UTF_8));
      assertThat(doc.getElementById("t").text()).as(path).isEqualTo(text);
      assertThat(doc.select("meta[charset]").eachAttr("charset")).as(path).containsExactly("utf-8");
      assertThat(doc.select("meta[http-equiv]")).as(path).isEmpty();
      // The title and the stored text (what search and diff read) are decoded too.
      JsonNode snap = http.get("/api/snapshots/" + s.path("hashUrl").asText()).json();
      assertThat(snap.path("title").asText()).as(path).isEqualTo(text);
      JsonNode lines = http.get("/api/snapshots/" + s.path("hashUrl").asText() + "/diff").json().path("lines");
      assertThat(lines.toString()).as(path).contains(text);
      Reply reader = http.get("/reader/" + s.path("hashUrl").asText() + "/" + s.path("snapshot").path("timestamp").asText());
      assertThat(reader.status()).as(path).isEqualTo(200);
      assertThat(Jsoup.parse(new String(reader.body(), StandardCharsets.UTF_8)).select("article").text()).as(path).contains(text);
    }
  }
}

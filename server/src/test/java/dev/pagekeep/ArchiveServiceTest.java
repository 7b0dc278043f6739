package dev.pagekeep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.config.Config;
import dev.pagekeep.config.DataDir;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.NewSave;
import dev.pagekeep.testing.Captures;
import dev.pagekeep.testing.FixtureSite;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.ServiceHarness;
import dev.pagekeep.testing.RawHttp.Reply;
import dev.pagekeep.testing.ResetServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.Dns;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole service in-process on port 0: real store files, real fetcher, a real origin site. */
class ArchiveServiceTest {
  @TempDir Path dir;
  private ServiceHarness harness;
  private FixtureSite site;
  private Service service;
  private RawHttp http;

  @BeforeEach
  void start() {
    FetchLimits limits = FetchLimits.defaults()
        .withRetries(3, Duration.ofMillis(20), Duration.ofMillis(100))
        .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(10))
        .withMaxBodyBytes(1024 * 1024);
    // bücher.example (an IDN host) is the fixture site, as a resolver would answer for it.
    Dns dns = name -> name.equals("xn--bcher-kva.example") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(name);
    harness = ServiceHarness.builder(dir.resolve("data")).fetch(limits).dns(dns)
        .site(new FixtureSite("core-site").start()).start();
    site = harness.site();
    service = harness.service();
    http = harness.http();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private JsonNode save(String url) {
    Reply r = http.post("/api/saves", Map.of("url", url));
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    return r.json().path("saves").get(0);
  }

  private JsonNode awaitFinished(long id) {
    return Await.value("save " + id + " finished", Duration.ofSeconds(30), () -> http.get("/api/saves/" + id).json(),
        s -> s.path("state").asText().matches("done|failed"));
  }

  private JsonNode archive(String url) throws InterruptedException {
    return awaitFinished(save(url).path("id").asLong());
  }

  private static byte[] fixture(String path) throws Exception {
    try (InputStream in = ArchiveServiceTest.class.getResourceAsStream("/fixtures/core-site/" + path)) {
      return in.readAllBytes();
    }
  }

  @Test
  void capturesAPageWithCssAndImagesAndReplaysItWithoutTheOriginalServer() throws Exception {
    String url = site.url("/index.html");
    JsonNode done = archive(url);
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("done");
    String replay = done.path("snapshot").path("replay").asText();
    assertThat(replay).startsWith("/web/").endsWith(url);

    site.close(); // from here on, the original server is gone
    // The replay page: pagekeep's banner above a sandboxed frame holding the archived page alone.
    Reply framed = http.get(replay);
    assertThat(framed.status()).isEqualTo(200);
    assertThat(framed.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
    Document replayPage = Jsoup.parse(framed.text());
    assertThat(replayPage.getElementById("pagekeep-banner").text()).contains(url);
    Element frame = replayPage.getElementById("pagekeep-frame");
    assertThat(frame.attr("sandbox")).contains("allow-same-origin").doesNotContain("allow-scripts").doesNotContain("allow-forms");
    String ts = done.path("snapshot").path("timestamp").asText();
    assertThat(frame.attr("src")).isEqualTo("/web/" + ts + "mp_/" + url);

    Reply page = http.get(frame.attr("src"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'none'").contains("default-src 'none'")
        .contains("sandbox allow-same-origin").doesNotContain("allow-scripts");
    Document doc = Jsoup.parse(page.text());
    assertThat(doc.select("script")).isEmpty();
    assertThat(doc.getElementById("pagekeep-banner")).as("nothing of pagekeep's inside the archived page").isNull();
    assertThat(page.text()).doesNotContain("pagekeep-banner");

    List<String> requisites = new ArrayList<>();
    for (Element e : doc.select("link[rel=stylesheet], img")) requisites.add(e.hasAttr("href") ? e.attr("href") : e.attr("src"));
    assertThat(requisites).hasSize(3).allSatisfy(u -> assertThat(u).startsWith("/web/"));
    Map<String, String> expected = Map.of("css/site.css", "css/site.css", "img/logo.png", "img/logo.png", "img/photo.gif", "img/photo.gif");
    for (String u : requisites) {
      Reply r = http.get(u);
      assertThat(r.status()).as(u).isEqualTo(200);
      String file = expected.keySet().stream().filter(u::endsWith).findFirst().orElseThrow();
      assertThat(r.body()).as(u).isEqualTo(fixture(file));
    }
    // The script was not captured, so replay answers from the archive: 404, never the live site.
    assertThat(http.get(replay.replace("index.html", "js/app.js")).status()).isEqualTo(404);
  }

  @Test
  void anInternationalisedHostIsArchivedAndReplayedUnderEitherSpelling() {
    int port = java.net.URI.create(site.url("/")).getPort();
    String typed = "http://bücher.example:" + port + "/page/idn?q=a|b"; // as the address bar shows it
    String saved = "http://xn--bcher-kva.example:" + port + "/page/idn?q=a|b"; // as OkHttp asks for it
    JsonNode queued = save(typed);
    assertThat(queued.path("url").asText()).isEqualTo(saved);
    JsonNode done = awaitFinished(queued.path("id").asLong());
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("done");
    String ts = done.path("snapshot").path("timestamp").asText();
    site.close(); // replayed from the archive alone

    Reply page = http.get("/web/" + ts + "id_/" + saved);
    assertThat(page.status()).as(page.text()).isEqualTo(200);
    assertThat(page.text()).contains("<title>Page idn</title>");
    // A link or a typed URL in Unicode, percent-encoded by the browser, finds the same snapshot.
    Reply unicode = http.get("/web/" + ts + "id_/http://b%C3%BCcher.example:" + port + "/page/idn?q=a|b");
    assertThat(unicode.status()).as(unicode.text()).isEqualTo(200);
    assertThat(unicode.text()).contains("<title>Page idn</title>");
    Reply framed = http.get("/web/" + ts + "/" + saved);
    assertThat(framed.status()).isEqualTo(200);
    assertThat(Jsoup.parse(framed.text()).getElementById("pagekeep-frame").attr("src")).isEqualTo("/web/" + ts + "mp_/" + saved);
  }

  @Test
  void urlsTheBrowserAcceptsAreArchivedAndReplayed() throws Exception {
    // Each was refused with 400 invalid_url before (java.net.URI: "Illegal character in query/path").
    Map<String, String> saved = new java.util.LinkedHashMap<>();
    saved.put(site.url("/page/pipe?q=a|b"), site.url("/page/pipe?q=a|b"));
    saved.put(site.url("/page/brace?q={1}"), site.url("/page/brace?q={1}"));
    saved.put(site.url("/page/a b?c d"), site.url("/page/a%20b?c%20d")); // saved in OkHttp's form
    Map<String, String> names = Map.of("pipe", "pipe", "brace", "brace", "a b", "a%20b");
    Map<String, String> stamps = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : saved.entrySet()) {
      JsonNode queued = save(e.getKey());
      assertThat(queued.path("url").asText()).isEqualTo(e.getValue());
      JsonNode done = awaitFinished(queued.path("id").asLong());
      assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("done");
      stamps.put(e.getValue(), done.path("snapshot").path("timestamp").asText());
    }
    site.close(); // replayed from the archive alone
    for (String url : saved.values()) {
      String name = names.entrySet().stream().filter(n -> url.contains("/page/" + n.getValue() + "?")).findFirst().orElseThrow().getKey();
      Reply page = http.get("/web/" + stamps.get(url) + "id_/" + url);
      assertThat(page.status()).as(url + " " + page.text()).isEqualTo(200);
      assertThat(page.text()).as(url).contains("<title>Page " + name + "</title>");
      Reply newest = http.get("/web/" + url);
      assertThat(newest.status()).as(url).isEqualTo(302);
      assertThat(newest.header("Location")).as(url).isEqualTo("/web/" + stamps.get(url) + "/" + url);
      Reply framed = http.get("/web/" + stamps.get(url) + "/" + url);
      assertThat(framed.status()).as(url).isEqualTo(200);
      assertThat(Jsoup.parse(framed.text()).getElementById("pagekeep-frame").attr("src")).endsWith("mp_/" + url);
    }
    // A variant (https, an upper-case host) finds the same snapshot through the SURT lookup.
    String pipe = saved.values().iterator().next();
    Reply variant = http.get("/web/" + stamps.get(pipe) + "id_/" + pipe.replace("http://", "HTTPS://"));
    assertThat(variant.status()).as(variant.text()).isEqualTo(200);
    assertThat(variant.text()).contains("<title>Page pipe</title>");
  }

  @Test
  void snapshotsAndSavesSurviveARestart() throws Exception {
    String url = site.url("/second.html");
    JsonNode done = archive(url);
    harness.restart();
    service = harness.service();
    http = harness.http();
    JsonNode again = http.get("/api/saves/" + done.path("id").asLong()).json();
    assertThat(again.path("state").asText()).isEqualTo("done");
    JsonNode snap = http.get("/api/snapshots/" + UrlKeys.hashUrl(url)).json();
    assertThat(snap.path("title").asText()).isEqualTo("Second");
    assertThat(snap.path("versions")).hasSize(1);
    String ts = done.path("snapshot").path("timestamp").asText();
    assertThat(http.get(done.path("snapshot").path("replay").asText()).text()).contains("Second").contains(ts + "mp_/" + url);
    assertThat(http.get("/web/" + ts + "mp_/" + url).text()).contains("second page");
  }

  @Test
  void badInputEndsAsAClearFailureWhileTheServiceKeepsWorking() throws Exception {
    for (String bad : List.of("not a url", "file:///etc/passwd", "javascript:alert(1)", "http://")) {
      Reply r = http.post("/api/saves", Map.of("url", bad));
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.json().path("error").path("code").asText()).isEqualTo("invalid_url");
      assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    JsonNode notFound = archive(site.url("/status/404"));
    assertThat(notFound.path("state").asText()).isEqualTo("failed");
    assertThat(notFound.path("error").asText()).contains("HTTP 404");
    assertThat(notFound.path("attempts").asInt()).isEqualTo(1);

    JsonNode flaky = archive(site.url("/flaky/one"));
    assertThat(flaky.path("state").asText()).isEqualTo("done");
    assertThat(flaky.path("attempts").asInt()).isEqualTo(2);

    assertThat(archive(site.url("/loop/a")).path("error").asText()).contains("redirect loop");
    assertThat(archive(site.url("/big")).path("error").asText()).contains("over the cap");
    try (ResetServer reset = new ResetServer()) {
      JsonNode r = archive(reset.url());
      assertThat(r.path("state").asText()).isEqualTo("failed");
      assertThat(r.path("error").asText()).isNotBlank().doesNotContain("\n");
    }
    assertThat(archive(site.url("/page/1")).path("state").asText()).isEqualTo("done");
    JsonNode failed = http.get("/api/saves?state=failed").json().path("saves");
    assertThat(failed).hasSize(4);
    assertThat(http.get("/api/stats").json().path("saves").path("failed").asInt()).isEqualTo(4);
  }

  @Test
  void aSaveBeingCapturedIsListedAsFetchingThenDone() throws Exception {
    long id = save(site.url("/slow")).path("id").asLong();
    Await.until("save " + id + " listed as fetching", Duration.ofSeconds(5), () -> {
      for (JsonNode s : http.get("/api/saves?state=fetching").json().path("saves")) {
        if (s.path("id").asLong() == id && s.path("state").asText().equals("fetching")) return true;
      }
      return false;
    });
    assertThat(awaitFinished(id).path("state").asText()).isEqualTo("done");
    assertThat(http.get("/api/saves?state=fetching").json().path("saves")).isEmpty();
  }

  @Test
  void malformedRequestsGetJsonErrorsNotStackTraces() {
    Reply badJson = http.send("POST", "/api/saves", "{not json", Map.of("Content-Type", "application/json"));
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.json().path("error").path("message").asText()).contains("not valid JSON");
    Reply wrongType = http.send("POST", "/api/saves", "url=x", Map.of("Content-Type", "text/plain"));
    assertThat(wrongType.status()).isEqualTo(415);
    Reply unknown = http.get("/api/nothing-here");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("not_found");
    assertThat(http.get("/api/saves/abc").status()).isEqualTo(400);
    assertThat(http.get("/api/saves/999999").status()).isEqualTo(404);
    assertThat(http.get("/api/snapshots/zzzz").status()).isEqualTo(400);
    assertThat(http.get("/api/saves?limit=0").status()).isEqualTo(400);
  }

  @Test
  void ambiguousShortIdAnswers409WithBothCandidates() {
    String a = "https://example.com/page/2828";
    String b = "https://example.com/page/569518";
    for (String url : List.of(a, b)) {
      var s = service.store().enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
      service.store().finish(s, 1, Captures.page(url, "20240101000000", "<p>x</p>", List.of()), List.of());
    }
    Reply r = http.get("/api/snapshots/" + UrlKeys.hashUrl(a));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().path("error").path("candidates")).hasSize(2);
    assertThat(http.get("/api/snapshots/" + UrlKeys.urlKey(b)).json().path("url").asText()).isEqualTo(b);
  }

  @Test
  void securityBaselineRefusesForeignHostsOriginsAndMissingTokens() throws Exception {
    int port = service.port();
    // DNS rebinding: right socket, foreign Host.
    Reply rebound = http.send("GET", "/api/stats", null, Map.of("Host", "attacker.example:" + port));
    assertThat(rebound.status()).isEqualTo(403);
    assertThat(rebound.text()).doesNotContain("snapshots");
    assertThat(http.send("GET", "/api/stats", null, Map.of("Host", "127.0.0.1:1")).status()).isEqualTo(403);
    // A page on another site posting a text/plain "form" at the API.
    Reply csrf = http.send("POST", "/api/saves", "{\"url\":\"https://x.example/\"}",
        Map.of("Origin", "https://evil.example", "Content-Type", "text/plain", "Authorization", ""));
    assertThat(csrf.status()).isEqualTo(403);
    Reply foreignWithToken = http.send("GET", "/api/stats", null, Map.of("Origin", "https://evil.example"));
    assertThat(foreignWithToken.status()).isEqualTo(403);
    assertThat(foreignWithToken.header("Access-Control-Allow-Origin")).isNull();
    // The extension's origin is fine with the token.
    assertThat(http.send("GET", "/api/stats", null, Map.of("Origin", "chrome-extension://abcdefghijklmnop")).status()).isEqualTo(200);
    // No token, or a wrong one: nothing is read.
    RawHttp anonymous = new RawHttp(port, null);
    assertThat(anonymous.get("/api/stats").status()).isEqualTo(401);
    assertThat(anonymous.get("/api/snapshots").text()).doesNotContain("snapshots\":");
    assertThat(anonymous.get("/").status()).isEqualTo(401);
    assertThat(anonymous.get("/web/" + site.url("/index.html")).status()).isEqualTo(401);
    assertThat(new RawHttp(port, "wrong").get("/api/stats").status()).isEqualTo(401);
    assertThat(anonymous.get("/api/health").json().path("status").asText()).isEqualTo("ok");
    assertThat(service.store().stats().queued()).isZero();
    // The token file is private to its owner.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(service.config().dataDir().tokenFile())))
        .isEqualTo("rw-------");
  }

  @Test
  void oneTimeLoginLinkGivesAStrictHttpOnlySessionOnce() {
    String link = http.post("/api/login-links", Map.of()).json().path("url").asText();
    String path = link.substring(link.indexOf("/login"));
    RawHttp browser = new RawHttp(service.port(), null);
    Reply login = browser.get(path);
    assertThat(login.status()).isEqualTo(303);
    String cookie = login.header("Set-Cookie");
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
    String session = cookie.substring(0, cookie.indexOf(';'));
    assertThat(browser.send("GET", "/", null, Map.of("Cookie", session)).status()).isEqualTo(200);
    // The UI's own fetch (what a browser says of it) with the key the login handed to the page (in the
    // redirect's fragment); the cookie alone, without them, opens nothing of the API.
    String key = login.header("Location").substring("/#key=".length());
    assertThat(browser.send("GET", "/api/stats", null, Map.of("Cookie", session, "Sec-Fetch-Site", "same-origin",
        "Sec-Fetch-Dest", "empty", "Sec-Fetch-Mode", "cors", "X-Pagekeep-Key", key)).status()).isEqualTo(200);
    assertThat(browser.send("GET", "/api/stats", null, Map.of("Cookie", session, "Sec-Fetch-Site", "same-origin",
        "Sec-Fetch-Dest", "empty", "Sec-Fetch-Mode", "cors")).status()).isEqualTo(401);
    assertThat(browser.send("GET", "/api/stats", null, Map.of("Cookie", session)).status()).isEqualTo(403);
    assertThat(browser.get(path).status()).as("a login link works once").isEqualTo(401);
  }
}

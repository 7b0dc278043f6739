package dev.pagekeep.rot;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import dev.pagekeep.store.RotLedger.Target;
import dev.pagekeep.store.RotLedger.Verdict;
import dev.pagekeep.store.RotLedger;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.ServiceHarness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link rot against real local servers: one HTTP server on 127.0.0.1 answers for several host names
 * (routed by the Host header), and the checker's DNS maps those names to 127.0.0.1 (a name taken
 * out of the map stops resolving, as a lapsed domain does). The archive is the real service's store.
 */
class LinkRotIT {
  @TempDir Path data;
  ServiceHarness svc;
  HttpServer server;
  int port;
  /** "host/path" -> [status, location or body]; missing = 404. */
  final Map<String, String[]> routes = new ConcurrentHashMap<>();
  final Set<String> resolvable = ConcurrentHashMap.newKeySet();
  final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
  volatile long delayMs;
  RotChecker checker;

  final Dns dns = host -> {
    if (!resolvable.contains(host)) throw new UnknownHostException(host + ": no such host (test DNS)");
    return List.of(InetAddress.getLoopbackAddress());
  };

  @BeforeEach
  void start() throws IOException {
    svc = ServiceHarness.builder(data).start();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      String host = exchange.getRequestHeaders().getFirst("Host").replaceFirst(":\\d+$", "");
      int now = inFlight.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
      maxInFlight.computeIfAbsent(host, h -> new AtomicInteger()).accumulateAndGet(now, Math::max);
      try {
        if (delayMs > 0) Thread.sleep(delayMs);
        String[] route = routes.get(host + exchange.getRequestURI().getPath());
        int status = route == null ? 404 : Integer.parseInt(route[0]);
        byte[] body;
        if (status >= 300 && status < 400) {
          exchange.getResponseHeaders().set("Location", route[1]);
          body = new byte[0];
        } else {
          body = (route == null ? "<h1>Not found</h1>" : route[1]).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.get(host).decrementAndGet();
        exchange.close();
      }
    });
    server.start();
    port = server.getAddress().getPort();
    checker = new RotChecker(svc.service().store().rot(),
        RotChecker.Options.defaults().withDns(dns).withLimits(8, 2).withPace(1000, Duration.ofDays(7), Duration.ofDays(1)),
        Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    checker.close();
    server.stop(0);
    svc.close();
  }

  String url(String host, String path) {
    return "http://" + host + ":" + port + path;
  }

  /** Serves {@code host/path} and archives that URL (a snapshot in the real store). */
  Target archived(String host, String path, int status, String body) {
    resolvable.add(host);
    routes.put(host + path, new String[] {String.valueOf(status), body});
    String u = url(host, path);
    put(u);
    return new Target(UrlKeys.urlKey(u), u);
  }

  void put(String u) {
    Blob body = Blob.of(("<title>" + u + "</title><p>archived words</p>").getBytes(StandardCharsets.UTF_8));
    Blob text = Blob.of("archived words".getBytes(StandardCharsets.UTF_8));
    Capture c = new Capture(UrlKeys.urlKey(u), u, "20240101000000", Capture.PAGE, 200, "text/html; charset=utf-8", u,
        List.of("Content-Type: text/html; charset=utf-8"), body.digest(), body.size(), "Archived " + u, text.digest(),
        List.of(), "import", null);
    svc.service().store().putSnapshot(new StoredCapture(c, body, text), List.of())
        .ifPresent(svc.service().search()::onStored);
  }

  RotLedger.Result checkOne(Target t) {
    return checker.check(List.of(t)).get(0);
  }

  RotLedger ledger() {
    return svc.service().store().rot();
  }

  @Test
  void aPageThatStartsAnswering404IsMarkedGoneKeepsItsFirstDateAndIsUnmarkedWhenItComesBack() {
    Target t = archived("news.test", "/2024/article", 200, "<p>still here</p>");
    assertThat(checkOne(t).verdict()).isEqualTo(Verdict.ALIVE);
    assertThat(ledger().gone(t.urlKey())).isEmpty();

    routes.put("news.test/2024/article", new String[] {"404", "<h1>Not found</h1>"});
    RotLedger.Result first = checkOne(t);
    assertThat(first.verdict()).isEqualTo(Verdict.GONE);
    RotLedger.Gone gone = ledger().gone(t.urlKey()).orElseThrow();
    assertThat(gone.reason()).isEqualTo("answers 404");
    assertThat(gone.status()).isEqualTo(404);
    Instant since = gone.since();

    routes.put("news.test/2024/article", new String[] {"410", "gone for good"});
    checkOne(t);
    RotLedger.Gone again = ledger().gone(t.urlKey()).orElseThrow();
    assertThat(again.since()).isEqualTo(since); // first seen gone
    assertThat(again.lastChecked()).isAfterOrEqualTo(gone.lastChecked());
    assertThat(again.status()).isEqualTo(410);

    routes.put("news.test/2024/article", new String[] {"503", "busy"});
    assertThat(checkOne(t).verdict()).isEqualTo(Verdict.UNKNOWN); // a 503 proves nothing either way
    assertThat(ledger().gone(t.urlKey())).isPresent();

    routes.put("news.test/2024/article", new String[] {"200", "<p>back</p>"});
    assertThat(checkOne(t).verdict()).isEqualTo(Verdict.ALIVE);
    assertThat(ledger().gone(t.urlKey())).isEmpty();
  }

  @Test
  void aHostThatStopsResolvingIsMarkedGone() {
    Target t = archived("lapsed.test", "/post", 200, "<p>hello</p>");
    assertThat(checkOne(t).verdict()).isEqualTo(Verdict.ALIVE);
    resolvable.remove("lapsed.test");
    RotLedger.Result r = checkOne(t);
    assertThat(r.verdict()).isEqualTo(Verdict.GONE);
    assertThat(ledger().gone(t.urlKey()).orElseThrow().reason()).isEqualTo("the host lapsed.test does not resolve");
  }

  @Test
  void aRedirectToTheHomePageOrAnotherSiteIsGoneButAMoveWithinTheSiteIsNot() {
    Target home = archived("blog.test", "/2019/05/a-post.html", 301, "/");
    Target other = archived("www.blog.test", "/feature", 302, url("elsewhere.test", "/landing"));
    Target moved = archived("blog.test", "/old-name", 301, url("www.blog.test", "/new-name"));
    routes.put("www.blog.test/new-name", new String[] {"200", "<p>the same article, renamed</p>"});
    Target https = archived("blog.test", "/index-of-posts", 301, "/index-of-posts/");
    routes.put("blog.test/index-of-posts/", new String[] {"200", "<p>list</p>"});

    assertThat(checkOne(home).verdict()).isEqualTo(Verdict.GONE);
    assertThat(ledger().gone(home.urlKey()).orElseThrow().reason()).isEqualTo("redirects to the home page");
    assertThat(checkOne(other).verdict()).isEqualTo(Verdict.GONE);
    assertThat(ledger().gone(other.urlKey()).orElseThrow().reason()).isEqualTo("redirects to another site: elsewhere.test");
    assertThat(checkOne(moved).verdict()).isEqualTo(Verdict.ALIVE);
    assertThat(checkOne(https).verdict()).isEqualTo(Verdict.ALIVE);
  }

  @Test
  void aParkedDomainPageIsGone() {
    Target t = archived("expired.test", "/article", 200,
        "<html><head><title>expired.test</title></head><body><h1>This domain may be for sale!</h1>"
            + "<script src=\"https://www.sedoparking.com/frmpark/x.js\"></script></body></html>");
    assertThat(checkOne(t).verdict()).isEqualTo(Verdict.GONE);
    assertThat(ledger().gone(t.urlKey()).orElseThrow().reason()).isEqualTo("a parked domain");
  }

  @Test
  void aPassOverTheWholeArchiveMarksTheGoneAndHoldsThePerHostCap() throws Exception {
    List<Target> all = new ArrayList<>();
    for (int h = 0; h < 3; h++) {
      for (int i = 0; i < 12; i++) all.add(archived("host" + h + ".test", "/p" + i, i % 4 == 0 ? 404 : 200, "<p>ok</p>"));
    }
    delayMs = 40; // long enough for checks to the same host to overlap if the cap let them
    checker.start();
    checker.checkAllNow();
    Await.until("a whole pass finished", Duration.ofSeconds(60), () -> checker.passesFinished() >= 1);
    assertThat(checker.passesFinished()).isEqualTo(1);
    for (int h = 0; h < 3; h++) assertThat(maxInFlight.get("host" + h + ".test").get()).isBetween(1, 2);
    assertThat(ledger().goneCount()).isEqualTo(9);
    for (Target t : all) {
      boolean shouldBeGone = t.url().matches(".*/p(0|4|8)$");
      assertThat(ledger().gone(t.urlKey()).isPresent()).as(t.url()).isEqualTo(shouldBeGone);
    }
    assertThat(ledger().cursor()).isEmpty(); // the pass ended
    assertThat(ledger().passEnded()).isNotNull();
    assertThat(checker.status().nextPass()).isAfter(Instant.now().plus(Duration.ofDays(6)));
  }

  @Test
  void theApiChecksOnDemandAndSearchLookupAndListingsShowGoneSince() {
    // Through the service's own checker (system DNS): 127.0.0.1 needs no name.
    routes.put("127.0.0.1/dead", new String[] {"404", "nope"});
    routes.put("127.0.0.1/alive", new String[] {"200", "<p>ok</p>"});
    String dead = "http://127.0.0.1:" + port + "/dead";
    String alive = "http://127.0.0.1:" + port + "/alive";
    put(dead);
    put(alive);

    ServiceHarness.Reply r = svc.call("POST", "/api/rot/check", Map.of("urls", List.of(dead, alive)));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("results").findValuesAsText("verdict")).containsExactlyInAnyOrder("gone", "alive");

    JsonNode hits = svc.call("GET", "/api/snapshots?q=" + enc("is:gone"), null).json().path("snapshots");
    assertThat(hits.findValuesAsText("url")).containsExactly(dead);
    assertThat(hits.get(0).path("gone").path("reason").asText()).isEqualTo("answers 404");
    assertThat(hits.get(0).path("gone").path("since").asText()).isNotEmpty();
    assertThat(svc.call("GET", "/api/snapshots?q=" + enc("archived -is:gone"), null).json().path("snapshots")
        .findValuesAsText("url")).containsExactly(alive);
    assertThat(svc.call("GET", "/api/snapshots?q=" + enc("archived is:gone"), null).json().path("snapshots")
        .findValuesAsText("url")).containsExactly(dead);
    ServiceHarness.Reply bad = svc.call("GET", "/api/snapshots?q=" + enc("is:bogus"), null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("error").path("message").asText()).contains("unknown filter is:bogus").contains("is:gone");

    JsonNode lookup = svc.call("GET", "/api/lookup?url=" + enc(dead), null).json();
    assertThat(lookup.path("archived").asBoolean()).isTrue();
    assertThat(lookup.path("versions").asInt()).isEqualTo(1);
    assertThat(lookup.path("replay").asText()).isEqualTo("/web/20240101000000/" + dead);
    assertThat(lookup.path("gone").path("reason").asText()).isEqualTo("answers 404");
    JsonNode notThere = svc.call("GET", "/api/lookup?url=" + enc("http://127.0.0.1:" + port + "/never"), null).json();
    assertThat(notThere.path("archived").asBoolean()).isFalse();
    assertThat(notThere.path("versions").asInt()).isZero();

    JsonNode one = svc.call("GET", "/api/snapshots/" + UrlKeys.hashUrl(dead), null).json();
    assertThat(one.path("gone").path("reason").asText()).isEqualTo("answers 404");
    JsonNode list = svc.call("GET", "/api/rot", null).json();
    assertThat(list.path("gone").findValuesAsText("url")).containsExactly(dead);

    assertThat(svc.call("POST", "/api/rot/check", Map.of("url", "http://127.0.0.1:1/not-archived")).status()).isEqualTo(404);
    routes.put("127.0.0.1/dead", new String[] {"200", "<p>back</p>"});
    svc.call("POST", "/api/rot/check", Map.of("url", dead));
    assertThat(svc.call("GET", "/api/snapshots?q=" + enc("is:gone"), null).json().path("snapshots")).isEmpty();
    // With no URL: a pass over the whole archive, now.
    ServiceHarness.Reply pass = svc.call("POST", "/api/rot/check", null);
    assertThat(pass.status()).isEqualTo(202);
    assertThat(pass.json().path("passUnderway").asBoolean()).isTrue();
  }

  @Test
  void aCaptureIsACheckOfItsOwn() {
    routes.put("127.0.0.1/page", new String[] {"200", "<title>Page</title><p>first</p>"});
    String u = "http://127.0.0.1:" + port + "/page";
    svc.saveAndWait(List.of(u));
    String key = UrlKeys.urlKey(u);
    routes.put("127.0.0.1/page", new String[] {"404", "gone"});
    svc.call("POST", "/api/rot/check", Map.of("url", u));
    assertThat(ledger().gone(key)).isPresent();
    // The page is back and archived again: the capture unmarks it without a check.
    routes.put("127.0.0.1/page", new String[] {"200", "<title>Page</title><p>second</p>"});
    Await.nextSecond(); // a new second: a new version
    svc.saveAndWait(List.of(u));
    // The listener runs once the save is done (just after it answers "done"): wait for it.
    Await.until("the gone mark cleared", java.time.Duration.ofSeconds(10), () -> ledger().gone(key).isEmpty());
    assertThat(ledger().gone(key)).isEmpty();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

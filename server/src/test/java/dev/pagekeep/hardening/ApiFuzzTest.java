package dev.pagekeep.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fixed-seed random input against the running service: random methods, paths (replay paths with
 * junk, dot segments, percent escapes, huge paths), query strings, headers and JSON bodies
 * (random types, deep nesting, huge strings, invalid UTF-8). Never a 5xx, never a stack trace or
 * exception name in a body, API errors always in the JSON error shape, and afterwards the
 * service still answers health and captures a normal page. Every URL the fuzzer can make points
 * at 127.0.0.1, so the archiver it wakes never reaches the network.
 */
@Timeout(120)
class ApiFuzzTest {
  /** Fixed so a failure replays exactly; {@code -Dpagekeep.fuzz.seed=N -Dpagekeep.fuzz.count=N} to explore further. */
  private static final long SEED = Long.getLong("pagekeep.fuzz.seed", 0x5eed_7_2026L);
  private static final int REQUESTS = Integer.getInteger("pagekeep.fuzz.count", 2_000);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] METHODS = {"GET", "GET", "GET", "POST", "POST", "POST", "DELETE", "PUT", "PATCH",
      "OPTIONS", "HEAD", "TRACE", "FOO", "get", "G\u00c9T"};
  private static final String[] ESCAPES = {"%00", "%ff", "%c0%af", "%2e%2e", "%2f", "%5c", "%", "%z", "%u0041", "%25",
      "%e2%80%ae", "%0d%0a", "%3f", "%23", "..", ".", "//", ";", "%20", "+", "~"};

  private static final String JUNK_CHARS = "abcXYZ019-_./:@!$&'()*,=<>\"{}|^`[]";

  @TempDir Path dir;
  private Harness h;
  private Random random;
  private int closedPort;

  @BeforeEach
  void start() throws IOException {
    h = new Harness(dir);
    random = new Random(SEED);
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    h.close();
  }

  record Answer(int status, String head, byte[] body) {
    String text() { return new String(body, StandardCharsets.UTF_8); }
  }

  @Test
  void randomRequestsNeverGetA5xxOrAStackTraceAndTheServiceKeepsWorking() throws Exception {
    // Something to find, so replay and snapshot paths reach real data.
    JsonNode seeded = h.awaitFinished(h.save(h.site.url("/page/fuzz-seed")), Duration.ofSeconds(10));
    assertThat(seeded.path("state").asText()).isEqualTo("done");
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      boolean saving = random.nextInt(4) == 0; // a quarter aim at the one endpoint that writes
      String method = saving ? "POST" : pick(METHODS);
      String path = saving ? "/api/saves" : path();
      List<String> headers = headers();
      byte[] body = saving ? saveBody() : method.equals("GET") && random.nextInt(4) != 0 || method.equals("HEAD") ? null : body();
      String what = "#" + i + " " + method + " " + abbreviate(path) + " " + headers + " body=" + (body == null ? "none" : body.length + " bytes");
      Answer a = send(method, path, headers, body, what);
      statuses.merge(a.status(), 1, Integer::sum);
      check(what, path, a);
    }
    System.out.println("fuzz: " + REQUESTS + " requests, seed " + Long.toHexString(SEED) + ", statuses " + statuses);

    h.assertHealthy();
    JsonNode after = h.awaitFinished(h.save(h.normalPage("after-fuzz")), Duration.ofSeconds(15));
    assertThat(after.path("state").asText()).as(after.toString()).isEqualTo("done");
    assertThat(h.http.get(after.path("snapshot").path("replay").asText()).status()).isEqualTo(200);
    // Nothing the fuzzer queued could leave this machine.
    for (SaveState state : SaveState.values()) {
      for (Save s : h.service.store().saves(state, Long.MAX_VALUE, Integer.MAX_VALUE)) {
        // Parsed as the fetcher parses it: URLs java.net.URI refuses ("/]") are archivable now.
        assertThat(okhttp3.HttpUrl.get(s.url()).host()).as(s.url()).isIn("127.0.0.1", "localhost");
      }
    }
  }

  private void check(String what, String path, Answer a) {
    assertThat(a.status()).as(what + " -> " + a.head()).isBetween(100, 599);
    boolean searchStub = a.status() == 501 && a.text().contains("search_unavailable");
    assertThat(a.status() < 500 || searchStub).as(what + " -> " + a.status() + " " + abbreviate(a.text())).isTrue();
    String text = a.text();
    assertThat(text).as(what).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("java.lang")
        .doesNotContain("org.eclipse.jetty").doesNotContain("dev.pagekeep.");
    String head = a.head().toLowerCase();
    if (head.contains("content-type: application/json") && a.body().length > 0) {
      JsonNode node = parse(what, text);
      if (a.status() >= 400) assertThat(node.path("error").path("code").asText()).as(what + " " + text).isNotEmpty();
    }
    if (a.status() >= 400 && path.startsWith("/api/") && a.body().length > 0) {
      assertThat(head).as(what + ": API errors are JSON").contains("content-type: application/json");
    }
  }

  private static JsonNode parse(String what, String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(what + ": not JSON: " + abbreviate(text));
    }
  }

  // ---- the generators -------------------------------------------------------------------------

  private String pick(String[] options) { return options[random.nextInt(options.length)]; }

  private String path() {
    String p = switch (random.nextInt(16)) {
      case 0 -> "/api/health";
      case 1 -> "/api/stats";
      case 2 -> "/api/saves";
      case 3 -> "/api/saves/" + segment();
      case 4 -> "/api/saves/" + random.nextInt(50) + "/retry";
      case 5 -> "/api/snapshots";
      case 6 -> "/api/snapshots/" + segment();
      case 7 -> "/api/snapshots/" + segment() + "/" + segment();
      case 8, 9 -> "/web/" + junk(random.nextInt(40));
      case 10 -> "/web/" + pick(new String[] {"20240101000000", "2024", "99999999999999", "20240101000000id_", "0"})
          + "/" + (random.nextBoolean() ? h.site.url("/page/fuzz-seed") : url());
      case 11 -> pick(new String[] {"/login", "/", "/favicon.ico", "/api/login-links", "/api", "/web/", "/web"});
      case 12 -> "/" + junk(random.nextInt(30));
      case 13 -> pick(new String[] {"/../../etc/passwd", "/web/..%2f..%2fetc%2fpasswd", "/api/../api/stats",
          "/api/saves/..", "/api/./stats", "//api//stats", "/api/stats/", "/API/STATS", "/api/stats;x=1", "/web/%2e%2e/%2e%2e/"});
      case 14 -> "/" + (random.nextBoolean() ? "web/" : "api/snapshots/") + "a".repeat(1000 + random.nextInt(120_000));
      default -> "/api/" + segment();
    };
    if (random.nextInt(3) == 0) p += "?" + query();
    return p;
  }

  private String query() {
    List<String> parts = new ArrayList<>();
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String key = pick(new String[] {"state", "limit", "cursor", "q", "token", "x", "", "limit", "state"});
      String value = switch (random.nextInt(6)) {
        case 0 -> pick(new String[] {"-1", "0", "1", "99999999999999999999", "1e9", "NaN", "", "2147483648"});
        case 1 -> pick(new String[] {"queued", "fetching", "done", "failed", "FAILED", "all", "null"});
        case 2 -> pick(new String[] {"\"unterminated", "a AND", "*:*", "title:[a TO", "~", "(((", "\\", "a^999999", "/regex["});
        default -> junk(random.nextInt(30));
      };
      parts.add(key + "=" + value);
    }
    return String.join("&", parts);
  }

  private String segment() {
    return switch (random.nextInt(6)) {
      case 0 -> String.valueOf(random.nextLong());
      case 1 -> "9".repeat(1 + random.nextInt(30));
      case 2 -> "-" + random.nextInt(100);
      case 3 -> Long.toHexString(random.nextLong()).substring(0, 1 + random.nextInt(10));
      default -> junk(random.nextInt(20));
    };
  }

  /** Path-safe junk (no CR, LF, space or '#' that would break the request line itself), with escapes and raw high bytes. */
  private String junk(int n) {
    StringBuilder b = new StringBuilder();
    while (b.length() < n) {
      int r = random.nextInt(10);
      if (r < 2) b.append(pick(ESCAPES));
      else if (r < 3) b.append((char) (0x80 + random.nextInt(0x780))); // becomes multi-byte UTF-8 on the wire
      else b.append(JUNK_CHARS.charAt(random.nextInt(JUNK_CHARS.length())));
    }
    return b.toString();
  }

  /** A URL the service may queue: http(s) to 127.0.0.1 only (a closed port or the fixture), or not a URL at all. */
  private String url() {
    return switch (random.nextInt(5)) {
      case 0 -> "http://127.0.0.1:" + closedPort + "/" + junk(random.nextInt(20)).replace("\\", "");
      case 1 -> h.site.url("/page/" + random.nextInt(5));
      case 2 -> h.site.url("/status/" + (400 + random.nextInt(200)));
      case 3 -> pick(new String[] {"", " ", "file:///etc/passwd", "javascript:alert(1)", "http://", "https://:80/",
          "data:text/html,hi", "ftp://127.0.0.1/", "HTTP://127.0.0.1:" + closedPort, "http://user:pw@127.0.0.1/",
          "http://127.0.0.1:99999/", "http://[::1/"});
      default -> junk(random.nextInt(60)).replace(":", ""); // no scheme: refused before any fetch
    };
  }

  private List<String> headers() {
    List<String> hs = new ArrayList<>();
    int port = h.port();
    int hostRoll = random.nextInt(20);
    if (hostRoll > 0) hs.add("Host: " + (hostRoll == 1 ? "evil.example:" + port : "127.0.0.1:" + port));
    int auth = random.nextInt(10);
    if (auth < 8) hs.add("Authorization: Bearer " + h.token);
    else if (auth == 8) hs.add("Authorization: " + pick(new String[] {"Bearer x", "Bearer", "Basic Og==", "Bearer " + h.token + "x", "\u00ff"}));
    if (random.nextInt(3) == 0) {
      hs.add("Content-Type: " + pick(new String[] {"application/json", "application/json; charset=utf-8", "text/plain",
          "application/json; charset=bogus", "multipart/form-data", "application/x-www-form-urlencoded", "", "*/*",
          "application/JSON", "application/json;;;", "\u00e9/\u00e9"}));
    } else {
      hs.add("Content-Type: application/json");
    }
    if (random.nextInt(8) == 0) hs.add("Origin: " + pick(new String[] {"null", "https://evil.example", "chrome-extension://abc", "http://127.0.0.1:" + port, ""}));
    if (random.nextInt(8) == 0) hs.add("Cookie: " + pick(new String[] {"pagekeep_session=" + junk(10), "a=b; c", "pagekeep_session=", "=" + junk(5)}));
    if (random.nextInt(8) == 0) hs.add("Accept: " + pick(new String[] {"*/*", "text/html", "image/png", "application/json;q=0", "\u00e9"}));
    if (random.nextInt(10) == 0) hs.add("Range: bytes=" + pick(new String[] {"0-0", "-1", "5-1", "x", "0-99999999999999999999"}));
    if (random.nextInt(10) == 0) hs.add("X-" + random.nextInt(1000) + ": " + "v".repeat(random.nextInt(20_000)));
    if (random.nextInt(20) == 0) hs.add("Expect: 100-continue");
    return hs;
  }

  private byte[] body() {
    int kind = random.nextInt(10);
    if (kind == 0) {
      byte[] b = new byte[random.nextInt(2000)];
      random.nextBytes(b);
      return b;
    }
    if (kind == 1) return invalidUtf8Json();
    if (kind == 2) return deep(1 + random.nextInt(5000)).getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder();
    if (kind < 7) saveRequest(b);
    else value(b, 0);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private byte[] saveBody() {
    if (random.nextInt(5) == 0) return body();
    StringBuilder b = new StringBuilder();
    saveRequest(b);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void saveRequest(StringBuilder b) {
    b.append('{');
    boolean first = true;
    for (String key : new String[] {"url", "urls", "html", "title", "source", pick(new String[] {"x", "", "__proto__", "url"})}) {
      if (random.nextInt(3) == 0) continue;
      if (!first) b.append(',');
      first = false;
      b.append(quote(key)).append(':');
      switch (key) {
        case "url" -> {
          if (random.nextInt(4) == 0) value(b, 2);
          else b.append(quote(url()));
        }
        case "urls" -> {
          if (random.nextInt(4) == 0) {
            value(b, 2);
          } else {
            b.append('[');
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(random.nextInt(5) == 0 ? "1" : quote(url()));
            b.append(']');
          }
        }
        case "html" -> b.append(random.nextInt(4) == 0 ? "42" : quote(html()));
        case "source" -> b.append(quote(pick(new String[] {"api", "toolbar", "import", "evil", "", "API"})));
        default -> value(b, 2);
      }
    }
    b.append('}');
  }

  /** HTML with tags but no ':', '/', '\\', '&' or '#': nothing in it can name another host. */
  private String html() {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(10) == 0 ? 200_000 : random.nextInt(400);
    String[] bits = {"<p>", "<div>", "<img src=a.png>", "<link rel=stylesheet href=b.css>", "<title>", "</title>",
        "<script>x</script>", "<svg><script>y</script></svg>", "<iframe src=c.html>", "text ", "\u00e9\u4e2d ", "<style>p{}</style>",
        "<table><td>", "<<<", ">>>", "\"", "'", "<a href=d.html onclick=z>"};
    while (b.length() < n) b.append(pick(bits));
    return b.toString();
  }

  private void value(StringBuilder b, int depth) {
    int kind = depth > 6 ? 3 + random.nextInt(4) : random.nextInt(7);
    switch (kind) {
      case 0 -> {
        b.append('{');
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) b.append(',');
          b.append(quote(junk(random.nextInt(8)))).append(':');
          value(b, depth + 1);
        }
        b.append('}');
      }
      case 1 -> {
        b.append('[');
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) b.append(',');
          value(b, depth + 1);
        }
        b.append(']');
      }
      case 2 -> b.append(quote(random.nextInt(20) == 0 ? "s".repeat(random.nextInt(1_000_000)) : junk(random.nextInt(30))));
      case 3 -> b.append(pick(new String[] {"0", "-0", "1e999999", "-1", "123456789012345678901234567890", "1.5", "NaN", "0x10"}));
      case 4 -> b.append(random.nextBoolean());
      case 5 -> b.append("null");
      default -> b.append(quote(url()));
    }
  }

  private static String deep(int depth) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < depth; i++) b.append(i % 2 == 0 ? "{\"url\":" : "[");
    b.append("1");
    for (int i = depth - 1; i >= 0; i--) b.append(i % 2 == 0 ? "}" : "]");
    return b.toString();
  }

  /** {"url": "<bytes that are not UTF-8>"}: lone surrogates, overlongs, stray continuation bytes. */
  private byte[] invalidUtf8Json() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("{\"url\":\"http://127.0.0.1:".concat(String.valueOf(closedPort)).concat("/").getBytes(StandardCharsets.US_ASCII));
    byte[][] bad = {{(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0x80}, {(byte) 0xff},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}};
    out.writeBytes(bad[random.nextInt(bad.length)]);
    out.writeBytes("\",\"title\":\"".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(bad[random.nextInt(bad.length)]);
    out.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
  }

  // ---- the wire ---------------------------------------------------------------------------------

  private Answer send(String method, String path, List<String> headers, byte[] body, String what) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port())) {
      s.setSoTimeout(15_000);
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.writeBytes((method + " " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.UTF_8));
      for (String header : headers) req.writeBytes((header + "\r\n").getBytes(StandardCharsets.UTF_8));
      req.writeBytes("Connection: close\r\n".getBytes(StandardCharsets.US_ASCII));
      if (body != null) req.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      req.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      if (body != null) req.writeBytes(body);
      OutputStream out = s.getOutputStream();
      try {
        out.write(req.toByteArray());
        out.flush();
      } catch (IOException e) {
        // The server may answer (413, 431) and close before reading a large request: read what it said.
      }
      byte[] all = s.getInputStream().readAllBytes();
      return parse(all, what);
    } catch (IOException e) {
      throw new AssertionError(what + ": no answer: " + e, e);
    }
  }

  private static Answer parse(byte[] all, String what) {
    String text = new String(all, StandardCharsets.ISO_8859_1);
    while (text.startsWith("HTTP/1.1 1") && text.indexOf("\r\n\r\n") > 0) { // interim 100 Continue: read on
      int end = text.indexOf("\r\n\r\n") + 4;
      all = java.util.Arrays.copyOfRange(all, end, all.length);
      text = text.substring(end);
    }
    int split = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || split < 0) throw new AssertionError(what + ": not an HTTP answer: " + abbreviate(text));
    String head = text.substring(0, split);
    int status = Integer.parseInt(head.substring(9, 12));
    byte[] body = java.util.Arrays.copyOfRange(all, split + 4, all.length);
    if (head.toLowerCase().contains("transfer-encoding: chunked")) body = dechunk(body);
    return new Answer(status, head, body);
  }

  private static byte[] dechunk(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < data.length) {
      int eol = i;
      while (eol + 1 < data.length && !(data[eol] == '\r' && data[eol + 1] == '\n')) eol++;
      int size = Integer.parseInt(new String(data, i, eol - i, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
      if (size == 0) break;
      out.write(data, eol + 2, size);
      i = eol + 2 + size + 2;
    }
    return out.toByteArray();
  }
}

package dev.pagekeep.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.replay.Replayer;
import dev.pagekeep.testing.HostileServer;
import dev.pagekeep.testing.RawHttp.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures served with types a browser would render as a document (XML holding XHTML, ambiguous or
 * unknown types) are replayed as text or as downloads, never as documents; and every {@code /web/}
 * answer, HEAD and refusals included, carries the replay CSP.
 */
class HostileTypesTest {
  /** An XML document whose XHTML meta refresh navigates the window when rendered as a document. */
  private static final String XHTML_IN_XML = "<?xml version=\"1.0\"?><root xmlns:h=\"http://www.w3.org/1999/xhtml\">"
      + "<h:meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\"/><h:p>hi</h:p></root>";
  private static final String HTML = "<!doctype html><meta http-equiv=refresh content=\"0;url=http://evil.example/\"><p>hi";
  private static final Map<String, String> TYPES = Map.of(
      "/text-xml", "text/xml",
      "/application-xml", "application/xml; charset=utf-8",
      "/rss", "application/rss+xml",
      "/ambiguous", "text/plain, text/html",
      "/unknown", "application/x-pagekeep-unknown",
      "/empty-subtype", "text/");

  @TempDir Path dir;
  private Harness h;
  private HostileServer origin;

  @BeforeEach
  void start() {
    h = new Harness(dir);
    origin = new HostileServer("types", (path, s, out) -> {
      String type = TYPES.getOrDefault(path, "text/plain");
      byte[] body = (type.contains("xml") ? XHTML_IN_XML : HTML).getBytes(StandardCharsets.UTF_8);
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
    });
  }

  @AfterEach
  void stop() {
    origin.close();
    h.close();
  }

  @Test
  void xmlAndAmbiguousTypesAreNeverServedAsDocumentsAndEveryAnswerCarriesTheCsp() throws Exception {
    for (String path : TYPES.keySet()) {
      JsonNode done = h.awaitFinished(h.save(origin.url(path)), Duration.ofSeconds(10));
      assertThat(done.path("state").asText()).as(path + ": " + done).isEqualTo("done");
      String ts = done.path("snapshot").path("timestamp").asText();
      for (String modifier : new String[] {"", "mp_", "if_", "id_", "im_", "oe_"}) {
        String replay = "/web/" + ts + modifier + "/" + origin.url(path);
        for (String method : new String[] {"GET", "HEAD"}) {
          Reply r = h.http.send(method, replay, null, Map.of());
          String what = method + " " + replay + " (captured as " + TYPES.get(path) + ")";
          assertThat(r.status()).as(what).isEqualTo(200);
          assertThat(r.header("Content-Security-Policy")).as(what).isEqualTo(Replayer.CSP);
          String type = String.valueOf(r.header("Content-Type")).toLowerCase(Locale.ROOT);
          assertThat(type).as(what).doesNotContain("html").doesNotContain("xml").doesNotContain(",");
          boolean download = "attachment; filename=\"captured.bin\"".equals(r.header("Content-Disposition"));
          assertThat(type.startsWith("text/plain") || download).as(what + ": " + type).isTrue();
          if (method.equals("HEAD")) assertThat(r.body()).as(what).isEmpty();
        }
      }
    }
    // Without the token, the UI's origin answers /web/ with the page that sends a browser on to the
    // replay origin: pagekeep's own script only, nothing archived in it.
    Reply anonymous = RawHttpAnonymous.get(h.port(), "/web/" + origin.url("/text-xml"));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("Content-Security-Policy")).contains("script-src 'self'").contains("object-src 'none'")
        .contains("frame-ancestors 'none'").doesNotContain("unsafe-eval");
    assertThat(anonymous.text()).contains("/ui/bounce.js").doesNotContain("<?xml");
    // Refusals on the replay origin are sealed like archived content: a bad capability.
    Reply refused = dev.pagekeep.testing.RawHttp.raw(h.port(), "GET", "/c/1.x/web/" + origin.url("/text-xml"),
        Map.of("Host", "localhost:" + h.port()), null);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.header("Content-Security-Policy")).isEqualTo(Replayer.CSP);
    Reply head404 = h.http.send("HEAD", "/web/20260101000000mp_/https://not-archived.example/", null, Map.of());
    assertThat(head404.status()).isEqualTo(404);
    assertThat(head404.header("Content-Security-Policy")).isEqualTo(Replayer.CSP);
  }

  /** A request without the token. */
  private static final class RawHttpAnonymous {
    static Reply get(int port, String path) {
      return dev.pagekeep.testing.RawHttp.raw(port, "GET", path, Map.of("Host", "127.0.0.1:" + port), null);
    }
  }
}

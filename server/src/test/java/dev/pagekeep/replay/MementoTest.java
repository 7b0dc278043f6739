package dev.pagekeep.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import dev.pagekeep.testing.ServiceHarness;
import dev.pagekeep.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memento (RFC 7089) on the real service, with the RFC's own example: {@code http://a.example.org/}
 * archived at 20000620180259, 20010911203610 and 20091027204954 (sections 4.1.1 and 5.1.1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MementoTest {
  static final String R = "http://a.example.org/";
  static final String FIRST = "20000620180259";
  static final String MIDDLE = "20010911203610";
  static final String LAST = "20091027204954";

  @TempDir static Path data; // static: an instance field is still null in a PER_CLASS @BeforeAll (it used ~/.local/share/pagekeep)
  ServiceHarness svc;
  RawHttp http;
  String origin;

  @BeforeAll
  void archive() {
    svc = ServiceHarness.builder(data).start();
    for (String ts : List.of(FIRST, MIDDLE, LAST)) {
      Blob logo = Blob.of(("png of " + ts).getBytes(StandardCharsets.UTF_8));
      Capture image = new Capture(UrlKeys.urlKey(R + "logo.png"), R + "logo.png", ts, Capture.RESOURCE, 200, "image/png",
          R + "logo.png", List.of("Content-Type: image/png"), logo.digest(), logo.size(), null, null, List.of(), "requisite", null);
      svc.service().store().putSnapshot(page(R, ts, "<title>A at " + ts + "</title><img src=logo.png>"),
          List.of(new StoredCapture(image, logo, null)));
    }
    http = new RawHttp(svc.service().port(), svc.token());
    origin = "http://127.0.0.1:" + svc.service().port();
  }

  @AfterAll
  void stop() {
    svc.close();
  }

  static StoredCapture page(String url, String ts, String html) {
    Blob body = Blob.of(html.getBytes(StandardCharsets.UTF_8));
    Blob text = Blob.of(("text " + ts).getBytes(StandardCharsets.UTF_8));
    Capture c = new Capture(UrlKeys.urlKey(url), url, ts, Capture.PAGE, 200, "text/html; charset=utf-8", url,
        List.of("Content-Type: text/html; charset=utf-8"), body.digest(), body.size(), "A", text.digest(), List.of(), "import", null);
    return new StoredCapture(c, body, text);
  }

  @Test
  void datesAreImfFixdatesAsInTheRfc() {
    assertThat(Memento.httpDate("19941106084937")).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(Memento.httpDate(MIDDLE)).isEqualTo("Tue, 11 Sep 2001 20:36:10 GMT");
    assertThat(Memento.acceptDatetime("Tue, 11 Sep 2001 20:35:00 GMT")).isEqualTo("20010911203500");
    assertThat(Memento.acceptDatetime("Sun, 6 Nov 1994 08:49:37 GMT")).isEqualTo("19941106084937");
  }

  @Test
  void acceptDatetimeThatIsNotAnHttpDateIsRefused() {
    for (String bad : List.of("2001-09-11T20:35:00Z", "Tue, 11 Sep 2001 20:35:00 +0200", "yesterday", "")) {
      assertThatThrownBy(() -> Memento.acceptDatetime(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Accept-Datetime must be an HTTP date");
    }
  }

  @Test
  void mementoCarriesDatetimeAndLinksToOriginalTimegateTimemapAndNeighbours() {
    RawHttp.Reply r = http.get("/web/" + MIDDLE + "mp_/" + R);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Memento-Datetime")).isEqualTo("Tue, 11 Sep 2001 20:36:10 GMT");
    Map<String, String> links = links(r.header("Link"));
    assertThat(links).containsEntry(R, "rel=\"original\"")
        .containsEntry(origin + "/web/" + R, "rel=\"timegate\"")
        .containsEntry(origin + "/timemap/link/" + R, "rel=\"timemap\"; type=\"application/link-format\"")
        .containsEntry(origin + "/web/" + FIRST + "mp_/" + R, "rel=\"first prev memento\"; datetime=\"Tue, 20 Jun 2000 18:02:59 GMT\"")
        .containsEntry(origin + "/web/" + LAST + "mp_/" + R, "rel=\"next last memento\"; datetime=\"Tue, 27 Oct 2009 20:49:54 GMT\"");
    assertThat(links).hasSize(5);
  }

  @Test
  void theFirstMementoIsItsOwnFirstAndHasNoPrevious() {
    RawHttp.Reply r = http.get("/web/" + FIRST + "/" + R); // the replay page is a memento too
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Memento-Datetime")).isEqualTo("Tue, 20 Jun 2000 18:02:59 GMT");
    Map<String, String> links = links(r.header("Link"));
    assertThat(links.get(origin + "/web/" + FIRST + "/" + R)).startsWith("rel=\"first memento\"");
    assertThat(links.get(origin + "/web/" + MIDDLE + "/" + R)).startsWith("rel=\"next memento\"");
    assertThat(links.get(origin + "/web/" + LAST + "/" + R)).startsWith("rel=\"last memento\"");
    assertThat(String.join(" ", links.values())).doesNotContain("prev");
  }

  @Test
  void aRequisiteIsAMementoOfItsOwnUrl() {
    RawHttp.Reply r = http.get("/web/" + LAST + "im_/" + R + "logo.png");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Memento-Datetime")).isEqualTo("Tue, 27 Oct 2009 20:49:54 GMT");
    assertThat(links(r.header("Link"))).containsEntry(R + "logo.png", "rel=\"original\"");
  }

  @Test
  void timeGateRedirectsToTheMementoNearestTheAcceptDatetime() {
    RawHttp.Reply r = http.send("GET", "/web/" + R, null, Map.of("Accept-Datetime", "Tue, 11 Sep 2001 20:35:00 GMT"));
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("Location")).endsWith("/web/" + MIDDLE + "/" + R);
    assertThat(r.header("Vary")).isEqualToIgnoringCase("accept-datetime");
    Map<String, String> links = links(r.header("Link"));
    assertThat(links).containsEntry(R, "rel=\"original\"")
        .containsEntry(origin + "/timemap/link/" + R, "rel=\"timemap\"; type=\"application/link-format\"");

    RawHttp.Reply early = http.send("GET", "/web/" + R, null, Map.of("Accept-Datetime", "Mon, 01 Jan 1990 00:00:00 GMT"));
    assertThat(early.header("Location")).endsWith("/web/" + FIRST + "/" + R);
    RawHttp.Reply late = http.send("GET", "/web/" + R, null, Map.of("Accept-Datetime", "Fri, 01 Jan 2100 00:00:00 GMT"));
    assertThat(late.header("Location")).endsWith("/web/" + LAST + "/" + R);
  }

  @Test
  void timeGateRefusesABadAcceptDatetimeWithTheJsonError() {
    RawHttp.Reply r = http.send("GET", "/web/" + R, null, Map.of("Accept-Datetime", "last tuesday"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("error").path("code").asText()).isEqualTo("bad_request");
    assertThat(r.json().path("error").path("message").asText()).contains("Accept-Datetime");
  }

  @Test
  void timeMapListsEveryMementoInLinkFormat() {
    RawHttp.Reply r = http.get("/timemap/link/" + R);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/link-format");
    Map<String, String> links = links(r.text());
    assertThat(links).containsEntry(R, "rel=\"original\"")
        .containsEntry(origin + "/timemap/link/" + R, "rel=\"self\"; type=\"application/link-format\"; "
            + "from=\"Tue, 20 Jun 2000 18:02:59 GMT\"; until=\"Tue, 27 Oct 2009 20:49:54 GMT\"")
        .containsEntry(origin + "/web/" + R, "rel=\"timegate\"")
        .containsEntry(origin + "/web/" + FIRST + "/" + R, "rel=\"first memento\"; datetime=\"Tue, 20 Jun 2000 18:02:59 GMT\"")
        .containsEntry(origin + "/web/" + MIDDLE + "/" + R, "rel=\"memento\"; datetime=\"Tue, 11 Sep 2001 20:36:10 GMT\"")
        .containsEntry(origin + "/web/" + LAST + "/" + R, "rel=\"last memento\"; datetime=\"Tue, 27 Oct 2009 20:49:54 GMT\"");
    assertThat(links).hasSize(6);
    // A variant of the address (https, upper-case host) finds the same mementos.
    assertThat(links(http.get("/timemap/link/HTTP://A.EXAMPLE.ORG/").text())).hasSize(6);
  }

  @Test
  void timeMapOfAnUnarchivedUrlIs404() {
    RawHttp.Reply r = http.get("/timemap/link/http://never.example/");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().path("error").path("code").asText()).isEqualTo("not_found");
  }

  @Test
  void timeMapNeedsTheToken() {
    RawHttp.Reply r = new RawHttp(svc.service().port(), null).get("/timemap/link/" + R);
    assertThat(r.status()).isEqualTo(401);
  }

  /**
   * Parses a Link header or link-format body strictly (RFC 8288 link-values: {@code <uri>} then
   * {@code ; name="value"} parameters, separated by commas): target to its parameters.
   */
  static Map<String, String> links(String field) {
    assertThat(field).isNotNull();
    Pattern one = Pattern.compile("\\s*<([^>]*)>((?:\\s*;\\s*[a-z]+=\"[^\"]*\")+)\\s*(,|$)");
    Matcher m = one.matcher(field);
    Map<String, String> out = new LinkedHashMap<>();
    int at = 0;
    List<String> order = new ArrayList<>();
    while (at < field.length() && m.find(at) && m.start() == at) {
      String params = m.group(2).strip().replaceFirst("^;\\s*", "").replaceAll("\\s*;\\s*", "; ");
      assertThat(out.put(m.group(1), params)).as("each target once: " + m.group(1)).isNull();
      order.add(m.group(1));
      at = m.end();
    }
    assertThat(field.substring(at).strip()).as("unparsed rest of " + field).isEmpty();
    return out;
  }
}

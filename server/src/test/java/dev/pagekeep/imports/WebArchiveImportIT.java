package dev.pagekeep.imports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.Main;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.PathSite;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.ServiceHarness;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Web archives in: pagekeep's own WACZ (a round trip), a WARC written by wget, and damaged WARCs. */
class WebArchiveImportIT {
  @TempDir Path tmp;

  @Test
  void waczRoundTripGivesTheSameSnapshotsBodiesAndSearchResults() throws Exception {
    byte[] logo = new byte[4000];
    new Random(7).nextBytes(logo);
    try (PathSite site = new PathSite()
        .html("/article", "<!doctype html><html><head><title>Round trip article</title><link rel=stylesheet href=/style.css></head>"
            + "<body><p>The quick zebra crossed the archive twice, unchanged.</p><img src=/logo.png></body></html>")
        .html("/second", "<!doctype html><html><head><title>Second page</title></head><body><p>A marmoset reads the WACZ.</p>"
            + "<img src=/logo-again.png></body></html>")
        .file("/style.css", "text/css", "body{background:url(/bg.png)}".getBytes(StandardCharsets.UTF_8))
        .file("/bg.png", "image/png", new byte[] {1, 2, 3})
        .file("/logo.png", "image/png", logo)
        .file("/logo-again.png", "image/png", logo)) {
      Path wacz = tmp.resolve("a.wacz");
      Map<String, String> before;
      List<String> searchBefore;
      try (ServiceHarness a = ServiceHarness.builder(tmp.resolve("a")).start()) {
        a.saveAndWait(List.of(site.url("/article"), site.url("/second")));
        Await.nextSecond();
        a.saveAndWait(List.of(site.url("/article"))); // a second snapshot of one URL
        assertThat(Main.run("export", "--format", "wacz", "--out", wacz.toString(), "--data", a.data().toString())).isZero();
        before = everything(a.service().store());
        searchBefore = urls(a.search("zebra OR marmoset"));
      }
      assertThat(before.keySet().stream().filter(k -> k.startsWith("page ")).count()).isEqualTo(3);

      try (ServiceHarness b = ServiceHarness.builder(tmp.resolve("b")).start()) {
        ServiceHarness.Reply r = b.upload("/api/imports?name=a.wacz", "application/octet-stream", Files.readAllBytes(wacz));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(202);
        assertThat(r.json().path("format").asText()).isEqualTo("wacz");
        assertThat(r.json().path("done").asLong()).isEqualTo(3);
        assertThat(r.json().path("state").asText()).isEqualTo("finished");
        assertThat(everything(b.service().store())).isEqualTo(before);
        assertThat(searchBefore).contains(site.url("/article"), site.url("/second"));
        assertThat(urls(b.search("zebra OR marmoset"))).containsExactlyInAnyOrderElementsOf(searchBefore);

        // Importing again adds nothing: the same URL at the same second is the same snapshot.
        ServiceHarness.Reply again = b.upload("/api/imports?name=a.wacz", "application/octet-stream", Files.readAllBytes(wacz));
        assertThat(again.json().path("done").asLong()).isZero();
        assertThat(again.json().path("existing").asLong()).isEqualTo(3);
        assertThat(b.service().store().stats().pages()).isEqualTo(3);
      }
    }
  }

  @Test
  void aWarcWrittenByWgetImportsAndReplaysFromTheArchiveAlone() throws Exception {
    byte[] photo = new byte[2500];
    new Random(3).nextBytes(photo);
    String css = "@import url(/print.css); h1{color:#123} .hero{background:url(img/hero.png)}";
    Path warcBase = tmp.resolve("site");
    String page;
    try (PathSite site = new PathSite()
        .html("/", "<!doctype html><html><head><title>wget fixture</title><link rel=stylesheet href=/site.css></head>"
            + "<body><h1>Fixture home</h1><p>An ocelot guards the fixture.</p><img src=/photo.jpg><a href=/about>about</a></body></html>")
        .html("/about", "<!doctype html><html><head><title>About</title></head><body><p>About this site.</p></body></html>")
        .file("/site.css", "text/css", css.getBytes(StandardCharsets.UTF_8))
        .file("/print.css", "text/css", "p{margin:0}".getBytes(StandardCharsets.UTF_8))
        .file("/img/hero.png", "image/png", new byte[] {9, 8, 7})
        .file("/photo.jpg", "image/jpeg", photo)) {
      page = site.url("/");
      Process wget = new ProcessBuilder("wget", "--quiet", "--warc-file=" + warcBase, "--no-warc-keep-log", "-p", "-r", "-l", "1",
          "-e", "robots=off", "--delete-after", "-P", tmp.resolve("wget").toString(), page)
          .redirectErrorStream(true).start();
      String out = new String(wget.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(wget.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(wget.exitValue()).as(out).isIn(0, 8);
    }
    Path warc = tmp.resolve("site.warc.gz");
    assertThat(warc).exists();
    // The fixture site is gone: whatever replays now comes from the archive.
    try (ServiceHarness svc = ServiceHarness.builder(tmp.resolve("data")).start()) {
      assertThat(Main.run("import", warc.toString(), "--data", svc.data().toString())).isZero();
      ArchiveStore store = svc.service().store();
      List<Capture> versions = store.versions(UrlKeys.urlKey(page));
      assertThat(versions).hasSize(1);
      Capture home = versions.get(0);
      assertThat(home.title()).isEqualTo("wget fixture");
      assertThat(store.versions(UrlKeys.urlKey(page + "about"))).hasSize(1);
      String ts = home.timestamp();
      RawHttp http = new RawHttp(svc.service().port(), svc.token());
      RawHttp.Reply mp = http.get("/web/" + ts + "mp_/" + page);
      assertThat(mp.status()).isEqualTo(200);
      assertThat(mp.text()).contains("An ocelot guards the fixture.");
      RawHttp.Reply img = http.get("/web/" + ts + "im_/" + page + "photo.jpg");
      assertThat(img.status()).isEqualTo(200);
      assertThat(img.body()).isEqualTo(photo);
      assertThat(http.get("/web/" + ts + "cs_/" + page + "site.css").text()).contains("h1{color:#123}");
      assertThat(http.get("/web/" + ts + "cs_/" + page + "print.css").status()).isEqualTo(200);
      assertThat(http.get("/web/" + ts + "im_/" + page + "img/hero.png").body()).isEqualTo(new byte[] {9, 8, 7});
      assertThat(urls(svc.search("ocelot"))).containsExactly(page);
    }
  }

  @Test
  void aDamagedWarcImportsItsWholeRecordsAndReportsTheOffsetsOfTheOthers() throws Exception {
    for (boolean gzip : new boolean[] {true, false}) {
      Path warc = tmp.resolve(gzip ? "damaged.warc.gz" : "damaged.warc");
      List<Long> offsets = new ArrayList<>();
      try (OutputStream out = Files.newOutputStream(warc)) {
        WarcWriter w = new WarcWriter(Channels.newChannel(out), gzip ? WarcCompression.GZIP : WarcCompression.NONE);
        for (int i = 0; i < 4; i++) {
          offsets.add(w.position());
          byte[] html = ("<!doctype html><title>Page " + i + "</title><p>" + "word" + i + " ".repeat(1) + "x".repeat(3000) + "</p>")
              .getBytes(StandardCharsets.UTF_8);
          w.write(new WarcResponse.Builder("http://damaged.example/" + i).date(Instant.parse("2024-05-0" + (i + 1) + "T10:00:00Z"))
              .body(new HttpResponse.Builder(200, "OK").body(MediaType.parse("text/html; charset=utf-8"), html).build()).build());
        }
      }
      byte[] bytes = Files.readAllBytes(warc);
      // Record 1 is corrupt (a deflate block of a reserved type; NULs in its WARC header); the file ends in the middle of record 3.
      int one = offsets.get(1).intValue();
      if (gzip) {
        assertThat(bytes[one + 3]).as("a 10-byte gzip header").isZero();
        bytes[one + 10] = (byte) 0xFF;
      } else {
        for (int i = 10; i < 30; i++) bytes[one + i] = 0;
      }
      byte[] cut = java.util.Arrays.copyOf(bytes, (int) (offsets.get(3) + (bytes.length - offsets.get(3)) / 2));
      Files.write(warc, cut);

      try (ServiceHarness svc = ServiceHarness.builder(tmp.resolve(gzip ? "gz" : "plain")).start()) {
        ServiceHarness.Reply r = svc.upload("/api/imports?name=x", "application/octet-stream", cut);
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(202);
        assertThat(r.json().path("format").asText()).isEqualTo("warc");
        assertThat(r.json().path("done").asLong()).as(r.json().toString()).isEqualTo(2);
        List<String> errors = new ArrayList<>();
        r.json().path("errors").forEach(e -> errors.add(e.asText()));
        assertThat(errors).as(r.json().toString()).anyMatch(e -> e.startsWith("offset " + offsets.get(1) + ":"))
            .anyMatch(e -> e.startsWith("offset " + offsets.get(3) + ":"));
        ArchiveStore store = svc.service().store();
        assertThat(store.versions(UrlKeys.urlKey("http://damaged.example/0"))).hasSize(1);
        assertThat(store.versions(UrlKeys.urlKey("http://damaged.example/1"))).isEmpty();
        assertThat(store.versions(UrlKeys.urlKey("http://damaged.example/2"))).hasSize(1);
        assertThat(store.versions(UrlKeys.urlKey("http://damaged.example/3"))).isEmpty();
      }
    }
  }

  @Test
  void aZipWithoutDatapackageIsRefusedWithAOneLineError() throws Exception {
    java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
      z.putNextEntry(new java.util.zip.ZipEntry("hello.txt"));
      z.write("hi".getBytes(StandardCharsets.UTF_8));
    }
    try (ServiceHarness svc = ServiceHarness.builder(tmp.resolve("zip")).start()) {
      ServiceHarness.Reply r = svc.upload("/api/imports?name=x.wacz", "application/octet-stream", zip.toByteArray());
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().path("error").path("message").asText()).contains("datapackage.json");
    }
  }

  /** Every capture (pages and requisites) as "kind url ts" to its body digest and status. */
  static Map<String, String> everything(ArchiveStore store) {
    Map<String, String> out = new TreeMap<>();
    String cursor = null;
    while (true) {
      List<Capture> pages = store.pages(cursor, 100);
      for (Capture p : pages) {
        out.put("page " + p.url() + " " + p.timestamp(), p.digest() + " " + p.status() + " " + p.title());
        for (String id : p.resources()) {
          Capture r = store.capture(id.substring(0, id.indexOf('/')), id.substring(id.indexOf('/') + 1)).orElseThrow();
          out.put("resource " + r.url() + " " + r.timestamp(), r.digest() + " " + r.status() + " " + r.contentType());
        }
      }
      if (pages.size() < 100) return out;
      cursor = pages.get(pages.size() - 1).timestamp() + "/" + pages.get(pages.size() - 1).urlKey();
    }
  }

  static List<String> urls(JsonNode snapshots) {
    List<String> out = new ArrayList<>();
    snapshots.forEach(s -> out.add(s.path("url").asText()));
    return out;
  }
}

package dev.pagekeep.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.Main;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.PathSite;
import dev.pagekeep.testing.ServiceHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.URIs;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;

import static org.assertj.core.api.Assertions.assertThat;

/** Exports of a real archive (pages captured from a local site) read back from disk. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportIT {
  @TempDir static Path data;
  @TempDir static Path out;
  PathSite site;
  ServiceHarness svc;
  byte[] logo;
  String articleHtml;
  String article;
  String other;
  String hostile;

  @BeforeAll
  void archive() throws Exception {
    logo = new byte[3000];
    new Random(1).nextBytes(logo);
    articleHtml = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Making 1 million requests with python-aiohttp</title>"
        + "<link rel=\"stylesheet\" href=\"/style.css\"></head><body><nav>Home | About</nav><article><h1>Making 1 million requests</h1>"
        + "<p>In this post I’d like to test limits of python aiohttp and check its performance in terms of requests per minute. "
        + "Everyone knows that asynchronous code performs better when applied to network operations.</p>"
        + "<p>Async programming is not easy. It’s not easy because using callbacks and thinking in terms of events and event "
        + "handlers requires more effort than usual synchronous programming.</p><img src=\"/logo.png\">"
        + "<script>alert('kept out')</script><ul><li>first point</li><li>second point</li></ul></article></body></html>";
    site = new PathSite()
        .html("/aiohttp", articleHtml)
        .html("/other", "<!doctype html><html><head><title>Another page</title></head><body><article><p>"
            + "A second article that shows the same logo under another name, so the export can deduplicate it. ".repeat(3)
            + "</p><img src=\"/logo-copy.png\"></article></body></html>")
        .html("/evil", "<!doctype html><html><head><title>../../../etc/passwd\nhash_url: 0000000000</title></head><body><article><p>"
            + "Hostile title and URL text must never steer an export path. ".repeat(4) + "</p></article></body></html>")
        .file("/style.css", "text/css", "body{color:#333}".getBytes(StandardCharsets.UTF_8))
        .file("/logo.png", "image/png", logo)
        .file("/logo-copy.png", "image/png", logo);
    article = site.url("/aiohttp");
    other = site.url("/other");
    hostile = site.url("/evil?f=../../../../tmp/x&t=%3Cscript%3E");
    svc = ServiceHarness.builder(data).start();
    for (JsonNode s : svc.saveAndWait(List.of(article))) assertThat(s.path("state").asText()).isEqualTo("done");
    Await.nextSecond(); // timestamps have one-second resolution: the logo copy must come strictly later
    for (JsonNode s : svc.saveAndWait(List.of(other, hostile))) assertThat(s.path("state").asText()).isEqualTo("done");
  }

  @AfterAll
  void stop() {
    svc.close();
    site.close();
  }

  @Test
  void warcRoundTripHasMatchingDigestsRevisitsAndTheOriginalBytes() throws Exception {
    Path warc = out.resolve("archive.warc.gz");
    assertThat(Main.run("export", "--format", "warc", "--out", warc.toString(), "--data", data.toString())).isZero();

    Map<String, byte[]> payloads = new HashMap<>();
    Map<String, String> digestOf = new HashMap<>();
    List<WarcRevisit> revisits = new ArrayList<>();
    int requests = 0;
    int records = 0;
    try (WarcReader reader = new WarcReader(warc)) {
      for (WarcRecord r : reader) {
        records++;
        assertThat(r.version()).isEqualTo(MessageVersion.WARC_1_1);
        if (records == 1) assertThat(r.type()).isEqualTo("warcinfo");
        if (r instanceof WarcResponse resp) {
          byte[] body = resp.http().body().stream().readAllBytes();
          String expected = resp.payloadDigest().orElseThrow().base32();
          assertThat(new org.netpreserve.jwarc.WarcDigest("sha1", MessageDigest.getInstance("SHA-1").digest(body)).base32())
              .as("payload digest of %s", resp.target()).isEqualTo(expected);
          payloads.put(resp.target(), body);
          digestOf.put(resp.target(), expected);
        } else if (r instanceof WarcRevisit rev) {
          revisits.add(rev);
        } else if (r instanceof WarcRequest) {
          requests++;
        }
      }
    }
    assertThat(payloads).as("responses").containsKey(article);
    assertThat(payloads.get(article)).isEqualTo(articleHtml.getBytes(StandardCharsets.UTF_8));
    assertThat(payloads.get(site.url("/logo.png"))).isEqualTo(logo);
    assertThat(payloads).containsKeys(other, hostile, site.url("/style.css"));
    assertThat(revisits).hasSize(1);
    WarcRevisit rev = revisits.get(0);
    assertThat(rev.target()).isEqualTo(site.url("/logo-copy.png"));
    assertThat(rev.refersToTargetURI().orElseThrow().toString()).isEqualTo(site.url("/logo.png"));
    assertThat(rev.payloadDigest().orElseThrow().base32()).isEqualTo(digestOf.get(site.url("/logo.png")));
    assertThat(requests).isEqualTo(payloads.size() + revisits.size());
  }

  @Test
  void waczHoldsTheWarcASortedCdxjIndexIntoItThePagesWithTextAndDigestsOfEveryFile() throws Exception {
    Path wacz = out.resolve("archive.wacz");
    assertThat(Main.run("export", "--format", "wacz", "--out", wacz.toString(), "--data", data.toString())).isZero();
    ObjectMapper json = new ObjectMapper();
    try (ZipFile zip = new ZipFile(wacz.toFile())) {
      Map<String, byte[]> files = new HashMap<>();
      for (ZipEntry e : java.util.Collections.list(zip.entries())) files.put(e.getName(), zip.getInputStream(e).readAllBytes());
      assertThat(files.keySet()).containsExactlyInAnyOrder("archive/data.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl",
          "datapackage.json", "datapackage-digest.json");
      assertThat(zip.getEntry("archive/data.warc.gz").getMethod()).as("the WARC is stored, so readers can seek").isEqualTo(ZipEntry.STORED);

      JsonNode pkg = json.readTree(files.get("datapackage.json"));
      assertThat(pkg.path("profile").asText()).isEqualTo("data-package");
      assertThat(pkg.path("wacz_version").asText()).isEqualTo("1.1.1");
      assertThat(pkg.path("resources")).hasSize(3);
      for (JsonNode r : pkg.path("resources")) {
        byte[] bytes = files.get(r.path("path").asText());
        assertThat(r.path("hash").asText()).isEqualTo("sha256:" + sha256(bytes));
        assertThat(r.path("bytes").asLong()).isEqualTo(bytes.length);
      }
      assertThat(json.readTree(files.get("datapackage-digest.json")).path("hash").asText())
          .isEqualTo("sha256:" + sha256(files.get("datapackage.json")));

      byte[] warc = files.get("archive/data.warc.gz");
      List<String> cdxj = new String(files.get("indexes/index.cdxj"), StandardCharsets.UTF_8).lines().toList();
      assertThat(cdxj).isSortedAccordingTo(String::compareTo).hasSize(6); // 5 responses and the revisit
      List<String> urls = new ArrayList<>();
      for (String line : cdxj) {
        String[] parts = line.split(" ", 3);
        JsonNode f = json.readTree(parts[2]);
        assertThat(parts[0]).isEqualTo(URIs.toNormalizedSurt(f.path("url").asText()));
        assertThat(parts[1]).matches("\\d{14}");
        assertThat(f.path("filename").asText()).isEqualTo("data.warc.gz");
        int offset = f.path("offset").asInt();
        int length = f.path("length").asInt();
        try (WarcReader one = new WarcReader(new java.io.ByteArrayInputStream(warc, offset, length))) {
          WarcRecord r = one.next().orElseThrow();
          assertThat(((org.netpreserve.jwarc.WarcTargetRecord) r).target()).isEqualTo(f.path("url").asText());
          assertThat(r.type()).isIn("response", "revisit");
        }
        urls.add(f.path("url").asText());
      }
      assertThat(urls).contains(article, other, hostile, site.url("/logo.png"), site.url("/logo-copy.png"));

      List<String> pages = new String(files.get("pages/pages.jsonl"), StandardCharsets.UTF_8).lines().toList();
      assertThat(json.readTree(pages.get(0)).path("format").asText()).isEqualTo("json-pages-1.0");
      assertThat(pages).hasSize(4);
      JsonNode page = pages.stream().skip(1).map(l -> {
        try {
          return json.readTree(l);
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
      }).filter(p -> p.path("url").asText().equals(article)).findFirst().orElseThrow();
      assertThat(page.path("title").asText()).isEqualTo("Making 1 million requests with python-aiohttp");
      assertThat(page.path("text").asText()).contains("asynchronous code performs better");
      assertThat(page.path("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }
  }

  static String sha256(byte[] b) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void siteExportPutsEachArticleUnderYearAndKeyAsReplayedAndInReaderViewWithAnIndex() throws Exception {
    Path dir = out.resolve("site");
    assertThat(Main.run("export", "--format", "site", "--out", dir.toString(), "--data", data.toString())).isZero();
    List<String> files = relativeFiles(dir);
    assertThat(files).allMatch(f -> f.equals("index.html") || f.equals("page.css") || f.matches("\\d{4}/[0-9a-f]{32}/(index|reader)\\.html")
        || f.matches("\\d{4}/[0-9a-f]{32}/files/[0-9a-f]{16}\\.(css|png)"));
    assertThat(files.stream().filter(f -> f.endsWith(".html"))).hasSize(7);
    String articleDir = yearNow() + "/" + UrlKeys.urlKey(article);
    String page = Files.readString(dir.resolve(articleDir + "/index.html"));
    assertThat(page).contains("asynchronous code performs better").contains("Home | About").doesNotContain("<script").doesNotContain("/web/");
    String logoFile = "files/" + sha256(logo).substring(0, 16) + ".png";
    assertThat(page).contains("src=\"" + logoFile + "\"");
    assertThat(Files.readAllBytes(dir.resolve(articleDir + "/" + logoFile))).isEqualTo(logo);
    String reader = Files.readString(dir.resolve(articleDir + "/reader.html"));
    assertThat(reader).contains("asynchronous code performs better").contains("Making 1 million requests")
        .doesNotContain("<script").doesNotContain("Home | About").contains("../../index.html");
    String index = Files.readString(dir.resolve("index.html"));
    assertThat(index).contains("href=\"" + yearNow() + "/" + UrlKeys.urlKey(article) + "/index.html\"");
    assertThat(index).doesNotContain("<script>").contains("<link rel=\"stylesheet\" href=\"page.css\">");
    assertThat(reader).contains("<link rel=\"stylesheet\" href=\"../../page.css\">");
    assertThat(Files.readAllBytes(dir.resolve("page.css"))).isEqualTo(dev.pagekeep.page.Pages.stylesheet());
  }

  @Test
  void markdownExportWritesTheSeedHeaderPerArticleAndAnIndex() throws Exception {
    Path dir = out.resolve("md");
    assertThat(Main.run("export", "--format", "markdown", "--out", dir.toString(), "--data", data.toString())).isZero();
    List<String> files = relativeFiles(dir);
    assertThat(files).allMatch(f -> f.equals("index.md") || f.matches("\\d{4}/[0-9a-f]{32}/index\\.md")
        || f.matches("\\d{4}/[0-9a-f]{32}/files/[0-9a-f]{16}\\.png"));
    String md = Files.readString(dir.resolve(yearNow() + "/" + UrlKeys.urlKey(article) + "/index.md"));
    assertThat(md).startsWith("title: Making 1 million requests with python-aiohttp\nurl: " + article
        + "\nhash_url: " + UrlKeys.hashUrl(article) + "\n\n");
    assertThat(md).contains("asynchronous code performs better").contains("* first point\n* second point")
        .contains("![](files/" + sha256(logo).substring(0, 16) + ".png)");
    String evil = Files.readString(dir.resolve(yearNow() + "/" + UrlKeys.urlKey(hostile) + "/index.md"));
    assertThat(evil.lines().limit(4).toList()).hasSize(4);
    assertThat(evil.lines().filter(l -> l.startsWith("hash_url: ")).toList()).containsExactly("hash_url: " + UrlKeys.hashUrl(hostile));
    assertThat(Files.readString(dir.resolve("index.md"))).contains("(" + yearNow() + "/" + UrlKeys.urlKey(other) + "/index.md)");
  }

  @Test
  void eachExportIsAJobThatCountsItsPagesToTheTotal() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var res = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(svc.service().baseUrl() + "/api/export?format=markdown"))
        .header("Authorization", "Bearer " + svc.token()).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(res.statusCode()).isEqualTo(200);
    String id = res.headers().firstValue("X-Pagekeep-Export").orElseThrow();
    JsonNode job = svc.call("GET", "/api/exports/" + id, null).json();
    assertThat(job.path("format").asText()).isEqualTo("markdown");
    assertThat(job.path("state").asText()).isEqualTo("finished");
    assertThat(job.path("total").asLong()).isEqualTo(3);
    assertThat(job.path("done").asLong()).isEqualTo(3);
    JsonNode list = svc.call("GET", "/api/exports", null).json().path("exports");
    assertThat(list.get(0).path("id").asText()).isEqualTo(id);
    assertThat(svc.call("GET", "/api/exports/999999", null).status()).isEqualTo(404);
  }

  @Test
  void anUnknownFormatIsAOneLineErrorAndANonEmptyTargetIsRefused() throws Exception {
    assertThat(Main.run("export", "--format", "pdf", "--out", out.resolve("x").toString(), "--data", data.toString())).isEqualTo(1);
    Path busy = Files.createDirectories(out.resolve("busy"));
    Files.writeString(busy.resolve("keep.txt"), "mine");
    assertThat(Main.run("export", "--format", "site", "--out", busy.toString(), "--data", data.toString())).isEqualTo(1);
    assertThat(svc.call("GET", "/api/export?format=pdf", null).status()).isEqualTo(400);
  }

  @Test
  void readerViewServesTheArticleWithoutScriptUnderTheReplayCsp() throws Exception {
    String ts = svc.call("GET", "/api/snapshots/" + UrlKeys.hashUrl(article), null).json().path("versions").get(0).path("timestamp").asText();
    var http = java.net.http.HttpClient.newHttpClient();
    var res = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(svc.service().baseUrl() + "/reader/"
            + UrlKeys.hashUrl(article) + "/" + ts)).header("Authorization", "Bearer " + svc.token()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Security-Policy").orElse("")).isEqualTo(dev.pagekeep.replay.Replayer.CSP);
    assertThat(res.body()).contains("asynchronous code performs better").doesNotContain("<script").doesNotContain("Home | About")
        .contains("src=\"/web/" + ts + "im_/" + site.url("/logo.png") + "\"");
  }

  private static String yearNow() {
    return String.valueOf(java.time.Year.now(java.time.ZoneOffset.UTC).getValue());
  }

  private static List<String> relativeFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
    }
  }
}

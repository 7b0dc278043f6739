package dev.pagekeep.imports;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.Main;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.Corpus;
import dev.pagekeep.testing.PathSite;
import dev.pagekeep.testing.ServiceHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A Chrome bookmarks export imported into the running service, archived from a real local site. */
class ImportIT {
  @TempDir Path data;
  @TempDir Path work;
  PathSite site;
  ServiceHarness svc;
  byte[] bookmarks;

  @BeforeEach
  void start() throws Exception {
    site = new PathSite();
    site.html("/aiohttp", new Corpus.Page("/aiohttp", "Making 1 million requests with python-aiohttp",
        "Everyone knows that asynchronous code performs better.").html());
    site.html("/sourdough", new Corpus.Page("/sourdough", "Sourdough", "Flour, water and patience.").html());
    site.html("/comets", new Corpus.Page("/comets", "Comets", "Dirty snowballs in long orbits.").html());
    site.html("/espresso", new Corpus.Page("/espresso", "Espresso", "Pressure and fine grounds.").html());
    String base = site.url("");
    bookmarks = new String(getClass().getResourceAsStream("/import/chrome-bookmarks.html").readAllBytes(), StandardCharsets.UTF_8)
        .replace("{{BASE}}", base).getBytes(StandardCharsets.UTF_8);
    svc = ServiceHarness.builder(data).start();
  }

  @AfterEach
  void stop() {
    svc.close();
    site.close();
  }

  @Test
  void importsAChromeBookmarksFileAndReportsProgressUntilEverySaveFinished() {
    ServiceHarness.Reply r = svc.upload("/api/imports?name=bookmarks.html", "text/html", bookmarks);
    assertThat(r.status()).isEqualTo(202);
    JsonNode job = r.json();
    assertThat(job.path("format").asText()).isEqualTo("bookmarks");
    assertThat(job.path("read").asLong()).isEqualTo(7);
    assertThat(job.path("queued").asLong()).isEqualTo(5);
    assertThat(job.path("skipped").asLong()).isEqualTo(2);
    assertThat(job.path("errors").toString()).contains("javascript").contains("chrome");

    JsonNode finished = awaitImport(job.path("id").asLong());
    assertThat(finished.path("state").asText()).isEqualTo("finished");
    assertThat(finished.path("done").asLong()).isEqualTo(4);
    assertThat(finished.path("failed").asLong()).isEqualTo(1);
    assertThat(finished.path("etaSeconds").asLong()).isZero();

    JsonNode failed = svc.call("GET", "/api/saves?state=failed", null).json().path("saves");
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).path("url").asText()).endsWith("/missing");
    assertThat(failed.get(0).path("source").asText()).isEqualTo("import");

    JsonNode list = svc.call("GET", "/api/imports", null).json().path("imports");
    assertThat(list.get(0).path("id").asLong()).isEqualTo(job.path("id").asLong());
  }

  @Test
  void bookmarkFoldersBecomeSearchableTags() {
    ServiceHarness.Reply r = svc.upload("/api/imports", "text/html", bookmarks);
    awaitImport(r.json().path("id").asLong());
    JsonNode hits = svc.search("tags:astronomy");
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).path("url").asText()).endsWith("/comets");
    assertThat(svc.search("research").size()).isEqualTo(2); // sourdough and comets sit under "Reading & Research"

    // The tags are kept with the snapshots, so a rebuilt index has them too.
    assertThat(svc.call("POST", "/api/reindex", null).status()).isEqualTo(202);
    Await.until("the rebuild finished", Duration.ofSeconds(30), () -> !svc.call("GET", "/api/reindex", null).json().path("running").asBoolean());
    assertThat(svc.search("tags:astronomy")).hasSize(1);
    assertThat(svc.search("research").size()).isEqualTo(2);
  }

  @Test
  void theImportCommandStreamsAFileToTheServiceHarnessAndWaits() throws Exception {
    Path list = work.resolve("reading-list.txt");
    Files.writeString(list, "# to read\n" + site.url("/aiohttp") + "\n\n" + site.url("/espresso") + " Espresso\nnot a url\n");
    int exit = Main.run("import", list.toString(), "--data", data.toString());
    assertThat(exit).isZero();
    JsonNode job = svc.call("GET", "/api/imports", null).json().path("imports").get(0);
    assertThat(job.path("format").asText()).isEqualTo("urls");
    assertThat(job.path("done").asLong()).isEqualTo(2);
    assertThat(job.path("skipped").asLong()).isEqualTo(1);
    assertThat(job.path("name").asText()).isEqualTo("reading-list.txt");
  }

  @Test
  void anUploadLargerThanTheJsonBodyCapIsStreamedThrough() throws Exception {
    long commentBytes = 48L * 1024 * 1024; // over Javalin's request cap (33 MB here): only a stream gets through
    byte[] comment = ("# " + "x".repeat(1021) + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] tail = (site.url("/aiohttp") + "\n" + site.url("/comets") + "\n").getBytes(StandardCharsets.US_ASCII);
    java.io.InputStream body = new java.io.SequenceInputStream(new java.io.InputStream() {
      long left = commentBytes;
      int pos;

      @Override
      public int read() {
        if (left <= 0) return -1;
        left--;
        int b = comment[pos];
        pos = (pos + 1) % comment.length;
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) {
        if (left <= 0) return -1;
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) buf[off + i] = (byte) read();
        return n;
      }
    }, new java.io.ByteArrayInputStream(tail));
    var http = java.net.http.HttpClient.newHttpClient();
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(svc.service().baseUrl() + "/api/imports"))
        .header("Authorization", "Bearer " + svc.token()).header("Content-Type", "text/plain")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();
    var res = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).isEqualTo(202);
    JsonNode job = new com.fasterxml.jackson.databind.ObjectMapper().readTree(res.body());
    assertThat(job.path("queued").asLong()).isEqualTo(2);
    assertThat(job.path("read").asLong()).isEqualTo(2);
  }

  @Test
  void aMissingFileIsAOneLineErrorAndTheServiceKeepsRunning() {
    int exit = Main.run("import", work.resolve("nope.txt").toString(), "--data", data.toString());
    assertThat(exit).isEqualTo(1);
    assertThat(svc.call("GET", "/api/stats", null).status()).isEqualTo(200);
  }

  private JsonNode awaitImport(long id) {
    return Await.value("import " + id + " finished", Duration.ofSeconds(60), () -> svc.call("GET", "/api/imports/" + id, null).json(),
        j -> !j.path("state").asText().equals("queued") && !j.path("state").asText().equals("reading"));
  }
}

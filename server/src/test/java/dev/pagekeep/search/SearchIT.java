package dev.pagekeep.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.testing.Await;
import dev.pagekeep.testing.Corpus;
import dev.pagekeep.testing.PathSite;
import dev.pagekeep.testing.ServiceHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Search through the running service: pages captured from a real site become searchable and leave on delete. */
class SearchIT {
  @TempDir Path data;
  PathSite site;
  ServiceHarness svc;
  String aiohttp;

  @BeforeEach
  void archiveSomePages() throws Exception {
    site = new PathSite();
    List<String> urls = new ArrayList<>();
    for (Corpus.Page p : Corpus.pages(40, 7)) {
      site.html(p.path(), p.html());
      urls.add(site.url(p.path()));
    }
    site.html("/aiohttp", new Corpus.Page("/aiohttp", "Making 1 million requests with python-aiohttp",
        "Everyone knows that asynchronous code performs better when applied to network operations.").html());
    aiohttp = site.url("/aiohttp");
    urls.add(aiohttp);
    svc = ServiceHarness.builder(data).start();
    for (JsonNode s : svc.saveAndWait(urls)) assertThat(s.path("state").asText()).isEqualTo("done");
  }

  @AfterEach
  void stop() {
    svc.close();
    site.close();
  }

  private List<String> urlsOf(JsonNode snapshots) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : snapshots) out.add(s.path("url").asText());
    return out;
  }

  @Test
  void phraseSearchReturnsTheCapturedPageWithAHighlightedSnippet() {
    JsonNode hits = svc.search("\"asynchronous code performs better\"");
    assertThat(urlsOf(hits)).containsExactly(aiohttp);
    assertThat(hits.get(0).path("snippet").asText()).contains("<mark>asynchronous code performs better</mark>");
    assertThat(hits.get(0).path("replay").asText()).startsWith("/web/");
  }

  @Test
  void deletingASnapshotTakesItOutOfSearchAndReindexKeepsItOut() {
    String hashUrl = svc.search("aiohttp").get(0).path("hashUrl").asText();
    assertThat(svc.call("DELETE", "/api/snapshots/" + hashUrl, null).status()).isEqualTo(200);
    assertThat(urlsOf(svc.search("aiohttp"))).isEmpty();
    rebuildAndWait();
    assertThat(urlsOf(svc.search("aiohttp"))).isEmpty();
    assertThat(svc.search("notes").size()).isGreaterThan(0);
  }

  @Test
  void reindexRestoresALostIndex() {
    svc.service().search().index().clear();
    assertThat(urlsOf(svc.search("aiohttp"))).isEmpty();
    rebuildAndWait();
    assertThat(urlsOf(svc.search("aiohttp"))).containsExactly(aiohttp);
  }

  @Test
  void anIndexDeletedWhileStoppedIsRebuiltAtStart() throws Exception {
    svc.stop();
    try (var files = java.nio.file.Files.walk(data.resolve("search"))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    svc.start();
    Await.until("aiohttp found", Duration.ofSeconds(30), () -> !urlsOf(svc.search("aiohttp")).isEmpty());
    assertThat(urlsOf(svc.search("aiohttp"))).containsExactly(aiohttp);
  }

  @Test
  void aDamagedIndexIsRebuiltAtStartInsteadOfStoppingTheService() throws Exception {
    svc.stop();
    try (var files = java.nio.file.Files.list(data.resolve("search"))) {
      for (Path p : files.toList()) java.nio.file.Files.write(p, new byte[] {1, 2, 3}); // every file torn
    }
    svc.start();
    Await.until("aiohttp found", Duration.ofSeconds(30), () -> !urlsOf(svc.search("aiohttp")).isEmpty());
    assertThat(urlsOf(svc.search("aiohttp"))).containsExactly(aiohttp);
  }

  @Test
  void atStartOnlyWhatTheIndexMissesIsAddedAndWhatTheStoreLostIsDropped() throws Exception {
    String aiohttpKey = svc.search("aiohttp").get(0).path("urlKey").asText();
    svc.stop();
    // As a crash would leave it: the last capture's index commit lost, and a snapshot deleted
    // from the store whose removal never reached the index.
    String ghost = "0123456789abcdef0123456789abcdef";
    try (var index = LuceneSearchIndex.open(data.resolve("search"), (k, t) -> "")) {
      index.delete(aiohttpKey, null);
      index.add(new SearchIndex.Entry(ghost, "20240101000000", "https://ghost.example/", "Ghost", "zyzzyva", List.of()));
    }
    var dir = dev.pagekeep.config.DataDir.resolve(data);
    try (var store = dev.pagekeep.store.MapDbArchiveStore.open(dir.storeFile());
         var index = LuceneSearchIndex.open(dir.searchDir(), SearchIndexer.texts(store))) {
      long pages = store.stats().pages();
      assertThat(index.size()).isEqualTo(pages); // one missing, one extra: the counts alone look fine
      SearchIndexer indexer = new SearchIndexer(store, index);
      assertThat(indexer.reconcile()).as("{added, removed}").containsExactly(1, 1);
      assertThat(indexer.reconcile()).as("nothing left to do").containsExactly(0, 0);
      assertThat(index.size()).isEqualTo(pages);
      assertThat(index.missing(List.of(ghost + "/20240101000000"))).hasSize(1);
      index.delete(aiohttpKey, null); // and once more lost, for the service's start to catch up
    }
    svc.start();
    Await.until("aiohttp found", Duration.ofSeconds(30), () -> !urlsOf(svc.search("aiohttp")).isEmpty());
    assertThat(urlsOf(svc.search("\"asynchronous code performs better\""))).containsExactly(aiohttp);
    assertThat(svc.search("zyzzyva").size()).isZero();
  }

  @Test
  void anEmptyQueryIsABadRequestAndTheServiceKeepsAnswering() {
    ServiceHarness.Reply r = svc.call("GET", "/api/snapshots?q=*", null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("error").path("code").asText()).isEqualTo("bad_query");
    assertThat(urlsOf(svc.search("aiohttp"))).containsExactly(aiohttp);
  }

  private void rebuildAndWait() {
    assertThat(svc.call("POST", "/api/reindex", null).status()).isEqualTo(202);
    Await.until("the rebuild finished", Duration.ofSeconds(30), () -> !svc.call("GET", "/api/reindex", null).json().path("running").asBoolean());
  }
}

package dev.pagekeep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.Enqueued;
import dev.pagekeep.store.ArchiveStore.NewSave;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import static dev.pagekeep.testing.Captures.page;
import static dev.pagekeep.testing.Captures.resource;
import org.junit.jupiter.api.io.TempDir;

/** The store on real MapDB files in a temporary directory. */
class MapDbArchiveStoreTest {
  @TempDir Path dir;

  private MapDbArchiveStore open() {
    return MapDbArchiveStore.open(dir.resolve("archive.db"));
  }

  @Test
  void commitsWaitInTheJournalUntilTheWriterGoesIdleThenTheFileIsCheckpointed() throws Exception {
    Path journal = dir.resolve("archive.db.redo");
    try (MapDbArchiveStore store = open()) {
      // Commits faster than the writer's idle wait: they pile up as sealed segments in the journal.
      List<Enqueued> queued = new ArrayList<>();
      for (int i = 0; i < 5; i++) queued.addAll(store.enqueue(List.of(new NewSave("https://a.example/" + i, "api", null, null))));
      assertThat(java.nio.file.Files.size(journal)).as("the commits are in the journal, not yet forced in the file").isPositive();
      dev.pagekeep.testing.Await.until("the idle writer's checkpoint empties the journal", java.time.Duration.ofSeconds(10),
          () -> journal.toFile().length() == 0);
      assertThat(store.save(queued.get(4).save().id())).isPresent();
    }
    try (MapDbArchiveStore again = open()) {
      assertThat(again.queued(0, 10)).hasSize(5);
    }
  }

  @Test
  void duplicateSaveOfAQueuedUrlReturnsTheExistingSave() {
    try (MapDbArchiveStore store = open()) {
      Enqueued first = store.enqueue(List.of(new NewSave("https://a.example/x", "api", null, null))).get(0);
      Enqueued again = store.enqueue(List.of(new NewSave("https://a.example/x#frag", "toolbar", null, null))).get(0);
      assertThat(first.existing()).isFalse();
      assertThat(again.existing()).isTrue();
      assertThat(again.save().id()).isEqualTo(first.save().id());
      assertThat(store.stats().queued()).isEqualTo(1);
    }
  }

  @Test
  void invalidUrlInABatchQueuesNothing() {
    try (MapDbArchiveStore store = open()) {
      assertThatThrownBy(() -> store.enqueue(List.of(
          new NewSave("https://ok.example/", "api", null, null),
          new NewSave("javascript:alert(1)", "api", null, null)))).hasMessageContaining("only http and https");
      assertThat(store.stats().queued()).isZero();
    }
  }

  @Test
  void aSaveWaitingForTheBrowserSurvivesReopeningAndTakesTheBrowsersDom() {
    long id;
    try (MapDbArchiveStore store = open()) {
      Save s = store.enqueue(List.of(new NewSave("https://walled.example/a", "context-menu", null, null))).get(0).save();
      id = s.id();
      Save waiting = store.needsBrowser(s, 1, "HTTP 403 Forbidden from walled.example: refused");
      assertThat(waiting.state()).isEqualTo(SaveState.NEEDS_BROWSER);
      assertThat(store.queued(0, 10)).isEmpty();
    }
    try (MapDbArchiveStore store = open()) {
      Save waiting = store.save(id).orElseThrow();
      assertThat(waiting.state()).isEqualTo(SaveState.NEEDS_BROWSER);
      assertThat(waiting.error()).contains("HTTP 403");
      assertThat(store.saves(SaveState.NEEDS_BROWSER, Long.MAX_VALUE, 10)).extracting(Save::id).containsExactly(id);
      assertThat(store.stats().needsBrowser()).isEqualTo(1);
      assertThat(store.verify()).isEmpty();

      assertThatThrownBy(() -> store.browserCaptured(id, new NewSave("https://other.example/", "api", null, "<p>x".getBytes(StandardCharsets.UTF_8))))
          .isInstanceOf(IllegalArgumentException.class);
      Save queued = store.browserCaptured(id, new NewSave("https://walled.example/a", "context-menu", "Real",
          "<p>real page".getBytes(StandardCharsets.UTF_8)));
      assertThat(queued.state()).isEqualTo(SaveState.QUEUED);
      assertThat(queued.htmlDigest()).isNotNull();
      assertThat(queued.title()).isEqualTo("Real");
      assertThat(store.queued(0, 10)).extracting(Save::id).containsExactly(id);
      assertThat(store.stats().needsBrowser()).isZero();
      assertThat(store.blob(queued.htmlDigest())).isPresent();
      assertThat(store.verify()).isEmpty();
      assertThatThrownBy(() -> store.browserCaptured(id, new NewSave("https://walled.example/a", "api", null,
          "<p>again".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void savesAndSnapshotsSurviveReopening() {
    long id;
    try (MapDbArchiveStore store = open()) {
      Save s = store.enqueue(List.of(new NewSave("https://a.example/", "api", null, null))).get(0).save();
      id = s.id();
      store.finish(s, 1, page("https://a.example/", "20240101000000", "<h1>v1</h1>", List.of()),
          List.of(resource("https://a.example/s.css", "20240101000000", "body{}".getBytes())));
    }
    try (MapDbArchiveStore store = open()) {
      Save s = store.save(id).orElseThrow();
      assertThat(s.state()).isEqualTo(SaveState.DONE);
      assertThat(s.snapshotTimestamp()).isEqualTo("20240101000000");
      Capture c = store.capture(UrlKeys.urlKey("https://a.example/"), "20240101000000").orElseThrow();
      assertThat(new String(store.blob(c.digest()).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("<h1>v1</h1>");
      assertThat(c.resources()).hasSize(1);
      assertThat(store.queued(0, 10)).isEmpty();
    }
  }

  @Test
  void identicalBodiesAreStoredOnce() {
    try (MapDbArchiveStore store = open()) {
      byte[] css = "body{color:red}".repeat(1000).getBytes();
      for (int i = 0; i < 5; i++) {
        String url = "https://site.example/p" + i;
        Save s = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
        store.finish(s, 1, page(url, "2024010100000" + i, "<p>page " + i + "</p>", List.of()),
            List.of(resource("https://site.example/shared.css", "2024010100000" + i, css)));
      }
      ArchiveStore.Stats st = store.stats();
      assertThat(st.pages()).isEqualTo(5);
      assertThat(st.logicalBytes()).isGreaterThan(5L * css.length);
      // One copy of the (compressible) stylesheet, five small pages and five texts.
      assertThat(st.storedBytes()).isLessThan(css.length);
    }
  }

  @Test
  void manySnapshotsPerUrlAndNearestLookup() {
    try (MapDbArchiveStore store = open()) {
      String url = "https://news.example/";
      for (String ts : List.of("20240101000000", "20240601000000", "20250101000000")) {
        Save s = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
        store.finish(s, 1, page(url, ts, "<p>" + ts + "</p>", List.of()), List.of());
      }
      String key = UrlKeys.urlKey(url);
      assertThat(store.versions(key)).extracting(Capture::timestamp)
          .containsExactly("20240101000000", "20240601000000", "20250101000000");
      assertThat(store.nearest(key, "20240520000000").orElseThrow().timestamp()).isEqualTo("20240601000000");
      assertThat(store.nearest(key, "20240115000000").orElseThrow().timestamp()).isEqualTo("20240101000000");
      assertThat(store.nearest(key, "29990101000000").orElseThrow().timestamp()).isEqualTo("20250101000000");
    }
  }

  @Test
  void sameSecondCapturesGetDistinctTimestamps() {
    try (MapDbArchiveStore store = open()) {
      String url = "https://fast.example/";
      for (int i = 0; i < 2; i++) {
        Save s = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
        store.finish(s, 1, page(url, "20240101000000", "<p>" + i + "</p>", List.of()), List.of());
      }
      assertThat(store.versions(UrlKeys.urlKey(url))).extracting(Capture::timestamp)
          .containsExactly("20240101000000", "20240101000001");
    }
  }

  @Test
  void hashUrlCollisionsKeepBothUrlsReachable() {
    // These two URLs share their first 10 hex characters of MD5 (found by search, checked below).
    String a = "https://example.com/page/2828";
    String b = "https://example.com/page/569518";
    assertThat(UrlKeys.hashUrl(a)).isEqualTo(UrlKeys.hashUrl(b));
    assertThat(UrlKeys.urlKey(a)).isNotEqualTo(UrlKeys.urlKey(b));
    try (MapDbArchiveStore store = open()) {
      for (String url : List.of(a, b)) {
        Save s = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
        store.finish(s, 1, page(url, "20240101000000", "<p>" + url + "</p>", List.of()), List.of());
      }
      assertThat(store.resolveKey(UrlKeys.hashUrl(a))).containsExactlyInAnyOrder(UrlKeys.urlKey(a), UrlKeys.urlKey(b));
      assertThat(store.resolveKey(UrlKeys.urlKey(a))).containsExactly(UrlKeys.urlKey(a));
      assertThat(store.versions(UrlKeys.urlKey(a))).hasSize(1);
      assertThat(store.versions(UrlKeys.urlKey(b))).hasSize(1);
    }
  }

  @Test
  void aStoreFromBeforeTheSurtFormRebuildsItsVariantsOnOpen() throws Exception {
    String url = "https://Example.com:443/a";
    try (MapDbArchiveStore store = open()) {
      Save s = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
      store.finish(s, 1, page(url, "20240101000000", "<p/>", List.of()), List.of());
    }
    // Make the file what an older pagekeep left: variants in the old "host/path" form, no form marker.
    java.nio.file.Path file = dir.resolve("archive.db");
    org.mapdb.volume.VolumeFactory volumes = JournaledVolume.factory(file);
    org.mapdb.StoreWAL wal = org.mapdb.StoreWAL.make(file.toString(), volumes, 0L, true, org.mapdb.CC.STORE_DIRECT_CONC_SHIFT,
        0L, 0L, false, false, false, true, false);
    org.mapdb.DB db = new org.mapdb.DB(wal, true, true, getClass().getClassLoader(), 0);
    java.util.NavigableSet<String> variants = db.treeSet("variants", org.mapdb.Serializer.STRING).createOrOpen();
    variants.clear();
    variants.add("example.com/a\0" + UrlKeys.urlKey(url));
    db.atomicString("variantsForm").createOrOpen().set("");
    db.commit();
    db.close();
    try (MapDbArchiveStore store = open()) {
      assertThat(store.keysForUrl("http://EXAMPLE.com/a#x")).containsExactly(UrlKeys.urlKey(url));
      assertThat(store.keysForUrl("https://example.com/A")).isEmpty();
    }
  }

  @Test
  void variantsOfAnAddressAreFoundWithoutChangingTheKey() {
    try (MapDbArchiveStore store = open()) {
      String url = "https://Example.com:443/a";
      Save s = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
      store.finish(s, 1, page(url, "20240101000000", "<p/>", List.of()), List.of());
      assertThat(store.keysForUrl("http://example.com/a")).containsExactly(UrlKeys.urlKey(url));
    }
  }

  @Test
  void deletingASnapshotReleasesItsBlobsAndRequisites() {
    try (MapDbArchiveStore store = open()) {
      String url = "https://d.example/";
      Save s = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
      Capture stored = store.finish(s, 1, page(url, "20240101000000", "<p>x</p>", List.of()),
          List.of(resource("https://d.example/only.css", "20240101000000", "p{}".getBytes())));
      assertThat(stored.resources()).hasSize(1);
      assertThat(store.deleteSnapshots(UrlKeys.urlKey(url), null)).isEqualTo(1);
      assertThat(store.versions(UrlKeys.urlKey(url))).isEmpty();
      assertThat(store.nearest(UrlKeys.urlKey("https://d.example/only.css"), "20240101000000")).isEmpty();
      assertThat(store.blob(stored.digest())).isEmpty();
      assertThat(store.stats().storedBytes()).isZero();
      assertThat(store.resolveKey(UrlKeys.hashUrl(url))).isEmpty();
    }
  }

  @Test
  void failedSavesAreListedNewestFirstAndCanBeRetried() {
    try (MapDbArchiveStore store = open()) {
      List<Save> saves = new ArrayList<>();
      for (int i = 0; i < 3; i++) saves.add(store.enqueue(List.of(new NewSave("https://f.example/" + i, "api", null, null))).get(0).save());
      for (Save s : saves) store.fail(s, 2, "HTTP 404 from f.example");
      assertThat(store.saves(SaveState.FAILED, Long.MAX_VALUE, 10)).extracting(Save::id)
          .containsExactly(saves.get(2).id(), saves.get(1).id(), saves.get(0).id());
      assertThat(store.saves(SaveState.FAILED, saves.get(1).id(), 10)).extracting(Save::id).containsExactly(saves.get(0).id());
      Save again = store.retry(saves.get(0).id());
      assertThat(again.state()).isEqualTo(SaveState.QUEUED);
      assertThat(store.queued(0, 10)).extracting(Save::id).containsExactly(saves.get(0).id());
      assertThat(store.stats().failed()).isEqualTo(2);
    }
  }

  @Test
  void concurrentWritersAreAllCommittedAndCounted() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (MapDbArchiveStore store = open()) {
      List<Future<Long>> ids = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String url = "https://c.example/" + i;
        ids.add(pool.submit(() -> store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save().id()));
      }
      for (Future<Long> f : ids) assertThat(store.save(f.get()).orElseThrow().state()).isEqualTo(SaveState.QUEUED);
      assertThat(store.stats().queued()).isEqualTo(400);
    } finally {
      pool.shutdownNow();
    }
    try (MapDbArchiveStore store = open()) {
      assertThat(store.queued(0, 1000)).hasSize(400);
    }
  }

  @Test
  void largeBodiesRoundTrip() {
    byte[] big = new byte[12 * 1024 * 1024];
    new java.util.Random(7).nextBytes(big);
    try (MapDbArchiveStore store = open()) {
      String url = "https://big.example/file.bin";
      Save s = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
      Blob body = Blob.of(big);
      Capture c = new Capture(UrlKeys.urlKey(url), url, "20240101000000", Capture.PAGE, 200, "application/octet-stream",
          url, List.of(), body.digest(), body.size(), null, null, List.of(), "api", null);
      store.finish(s, 1, new StoredCapture(c, body, null), List.of());
    }
    try (MapDbArchiveStore store = open()) {
      Capture c = store.versions(UrlKeys.urlKey("https://big.example/file.bin")).get(0);
      assertThat(store.blob(c.digest()).orElseThrow()).isEqualTo(big);
    }
  }

  @Test
  void secondOpenOfALockedStoreFailsWithAReason() {
    try (MapDbArchiveStore store = open()) {
      assertThatThrownBy(this::open).isInstanceOf(StoreException.class).hasMessageContaining("archive.db");
    }
  }

  @Test
  void verifyFindsNothingWrongInASoundStoreAndNamesADamagedOne() {
    String url = "https://v.example/";
    Capture stored;
    try (MapDbArchiveStore store = open()) {
      Save s = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
      stored = store.finish(s, 1, page(url, "20240101000000", "<p>v</p>", List.of()),
          List.of(resource("https://v.example/a.css", "20240101000000", "a{}".getBytes())));
      store.enqueue(List.of(new NewSave("https://v.example/queued", "api", null, "<p>dom</p>".getBytes())));
      assertThat(store.verify()).isEmpty();
    }
    // Damage it behind the store's back: drop the page's body blob.
    org.mapdb.DB db = org.mapdb.DBMaker.fileDB(dir.resolve("archive.db").toFile()).transactionEnable().fileMmapEnableIfSupported().make();
    db.hashMap("blobs", org.mapdb.Serializer.STRING, org.mapdb.Serializer.BYTE_ARRAY).createOrOpen().remove(stored.digest());
    db.commit();
    db.close();
    try (MapDbArchiveStore store = open()) {
      assertThat(store.verify()).singleElement().asString().contains("body of " + stored.id()).contains("missing");
    }
  }
}

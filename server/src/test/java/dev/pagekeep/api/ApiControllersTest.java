package dev.pagekeep.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.archive.Archiver;
import dev.pagekeep.archive.PageCapturer;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.fetch.OkHttpFetcher;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.replay.Replayer;
import dev.pagekeep.search.LuceneSearchIndex;
import dev.pagekeep.search.SearchIndexer;
import dev.pagekeep.store.ArchiveStore.NewSave;
import dev.pagekeep.store.MapDbArchiveStore;
import dev.pagekeep.testing.Captures;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.RawHttp.Reply;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's controllers over an in-memory store, in the shape of Javalin's
 * {@code JavalinTest.test(app, (server, client) -> ...)}: the real {@link HttpApi} composition on
 * 127.0.0.1 port 0, the real archiver that is never started (a save is queued, nothing is fetched,
 * the fetcher points nowhere), the real search index in a temp dir. Fast: no MapDB file, no origin.
 *
 * <p>Not javalin-testtools itself (7.1.0 is its newest release; Javalin here is 7.2.3): its client
 * always sends {@code Host: localhost:PORT}, the replay origin, which {@link RequestGuard} refuses
 * for every API route by design, and it brings OkHttp 4 beside the fetcher's OkHttp 5.
 */
class ApiControllersTest {
  private static final String TOKEN = "t0ken-for-controller-tests-0123456789";
  private static final String PAGE = "https://example.org/article";

  @TempDir Path dir;
  private MapDbArchiveStore store;
  private OkHttpFetcher fetcher;
  private ExecutorService cpu;
  private Archiver archiver;
  private SearchIndexer search;
  private HttpApi api;

  @BeforeEach
  void compose() {
    store = MapDbArchiveStore.inMemory();
    fetcher = new OkHttpFetcher(FetchLimits.defaults());
    cpu = Executors.newSingleThreadExecutor();
    archiver = new Archiver(store, new PageCapturer(fetcher, cpu, 10, 1), 4, 2);
    search = new SearchIndexer(store, LuceneSearchIndex.open(dir.resolve("search"), SearchIndexer.texts(store)));
    api = HttpApi.create(store, archiver, new Replayer(store), new Sessions(TOKEN, Clock.systemUTC()),
        new HttpApi.Features(search, null));
  }

  @AfterEach
  void close() throws Exception {
    archiver.close();
    fetcher.close();
    cpu.shutdownNow();
    search.index().close();
    store.close();
  }

  /** Starts the API on port 0, hands a token-holding client to the test, stops the API after it. */
  private void test(java.util.function.BiConsumer<HttpApi, RawHttp> body) {
    api.start(0);
    try {
      body.accept(api, new RawHttp(api.port(), TOKEN));
    } finally {
      api.stop();
    }
  }

  private void archived(String url, String ts) {
    var save = store.enqueue(List.of(new NewSave(url, "api", null, null))).get(0).save();
    var capture = Captures.page(url, ts, "<title>Article</title><p>rhubarb crumble</p>", "rhubarb crumble", List.of());
    store.finish(save, 1, capture, List.of());
    search.onStored(capture.capture());
  }

  @Test
  void aSaveIsQueuedListedAndReadBackById() {
    test((server, client) -> {
      Reply created = client.post("/api/saves", Map.of("url", PAGE, "source", "api"));
      assertThat(created.status()).as(created.text()).isEqualTo(202);
      long id = created.json().path("saves").get(0).path("id").asLong();
      Reply one = client.get("/api/saves/" + id);
      assertThat(one.status()).isEqualTo(200);
      assertThat(one.json().path("url").asText()).isEqualTo(PAGE);
      assertThat(one.json().path("state").asText()).isEqualTo("queued");
      assertThat(client.get("/api/saves?state=queued").json().path("saves")).hasSize(1);
    });
  }

  @Test
  void aUrlThatCannotBeArchivedIsRefusedWithItsReason() {
    test((server, client) -> {
      Reply r = client.post("/api/saves", Map.of("url", "file:///etc/passwd"));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().path("error").path("message").asText()).isNotBlank();
      assertThat(store.stats().queued()).isZero();
    });
  }

  @Test
  void snapshotsAreListedAndAUrlsVersionsRead() {
    archived(PAGE, "20240101000000");
    archived(PAGE, "20240202000000");
    test((server, client) -> {
      Reply list = client.get("/api/snapshots");
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.json().path("snapshots").toString()).contains(PAGE);
      Reply versions = client.get("/api/snapshots/" + UrlKeys.hashUrl(PAGE));
      assertThat(versions.status()).as(versions.text()).isEqualTo(200);
      assertThat(versions.json().path("url").asText()).isEqualTo(PAGE);
      assertThat(versions.text()).contains("20240101000000").contains("20240202000000");
    });
  }

  @Test
  void searchFindsAStoredPageAndAnEmptyQueryIsABadRequest() {
    archived(PAGE, "20240101000000");
    test((server, client) -> {
      Reply hits = client.get("/api/snapshots?q=rhubarb");
      assertThat(hits.status()).isEqualTo(200);
      assertThat(hits.json().path("snapshots")).hasSize(1);
      assertThat(hits.json().path("snapshots").get(0).path("url").asText()).isEqualTo(PAGE);
      Reply star = client.get("/api/snapshots?q=*");
      assertThat(star.status()).isEqualTo(400);
      assertThat(star.json().path("error").path("code").asText()).isEqualTo("bad_query");
    });
  }

  @Test
  void errorsAreJsonWithACodeWhateverTheController() {
    test((server, client) -> {
      Reply badJson = client.send("POST", "/api/saves", "{not json", Map.of("Content-Type", "application/json"));
      assertThat(badJson.status()).isEqualTo(400);
      assertThat(badJson.json().path("error").path("message").asText()).contains("not valid JSON");
      Reply unknown = client.get("/api/nothing-here");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("not_found");
      assertThat(client.get("/api/saves/abc").status()).isEqualTo(400);
      assertThat(client.get("/api/saves/999999").status()).isEqualTo(404);
      assertThat(client.get("/api/snapshots/zzzz").status()).isEqualTo(400);
      assertThat(client.get("/api/saves?limit=0").status()).isEqualTo(400);
    });
  }

  @Test
  void theGuardRefusesNoTokenForeignHostsAndCrossSitePosts() {
    archived(PAGE, "20240101000000");
    test((server, client) -> {
      RawHttp anonymous = new RawHttp(server.port(), null);
      assertThat(anonymous.get("/api/snapshots").status()).isEqualTo(401);
      assertThat(anonymous.get("/api/health").status()).isEqualTo(200);
      Reply rebound = client.send("GET", "/api/stats", null, Map.of("Host", "attacker.example:" + server.port()));
      assertThat(rebound.status()).isEqualTo(403);
      assertThat(rebound.text()).doesNotContain(PAGE);
      Reply csrf = client.send("POST", "/api/saves", "{\"url\":\"https://x.example/\"}",
          Map.of("Origin", "https://evil.example", "Content-Type", "text/plain", "Authorization", ""));
      assertThat(csrf.status()).isEqualTo(403);
      Reply shutdown = anonymous.post("/api/shutdown", Map.of());
      assertThat(shutdown.status()).isIn(401, 403);
      assertThat(store.stats().queued()).isZero();
    });
  }
}

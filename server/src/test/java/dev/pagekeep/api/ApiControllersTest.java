package dev.pagekeep.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestCase;
import io.javalin.testtools.TestConfig;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
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
 * The API's controllers over an in-memory store, through javalin-testtools'
 * {@code JavalinTest.test(app, config, (app, client) -> ...)}: the real {@link HttpApi} composition
 * (started by the test tool on 127.0.0.1 port 0), the real archiver that is never started (a save is
 * queued, nothing is fetched, the fetcher points nowhere), the real search index in a temp dir. Fast:
 * no MapDB file, no origin.
 *
 * <p>The tool's client (7.1.0, on {@code java.net.http}) asks {@code http://127.0.0.1:PORT}, the UI
 * origin where the API lives; {@link #theReplayOriginServesNoApi} points it at the replay origin,
 * {@code http://localhost:PORT}, where {@link RequestGuard} refuses every API route by design. A
 * foreign Host (DNS rebinding) cannot be sent through {@code java.net.http} (Host is a restricted
 * header there), so that one probe goes through {@link RawHttp}.
 */
class ApiControllersTest {
  private static final String TOKEN = "t0ken-for-controller-tests-0123456789";
  private static final String PAGE = "https://example.org/article";
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** {@code JavalinTest.test} with a client that holds the token; no cookie clearing (it would add a route to the running app). */
  private void test(TestCase body) {
    var config = new TestConfig(false, false, java.net.http.HttpClient.newHttpClient(), Map.of("Authorization", "Bearer " + TOKEN));
    JavalinTest.test(api.javalin(), config, body);
  }

  private static String text(Response r) {
    return r.body().string();
  }

  private static JsonNode json(Response r) {
    try {
      return JSON.readTree(text(r));
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.code() + "): " + text(r));
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
      Response created = client.post("/api/saves", Map.of("url", PAGE, "source", "api"));
      assertThat(created.code()).as(text(created)).isEqualTo(202);
      long id = json(created).path("saves").get(0).path("id").asLong();
      Response one = client.get("/api/saves/" + id);
      assertThat(one.code()).isEqualTo(200);
      JsonNode save = json(one);
      assertThat(save.path("url").asText()).isEqualTo(PAGE);
      assertThat(save.path("state").asText()).isEqualTo("queued");
      assertThat(json(client.get("/api/saves?state=queued")).path("saves")).hasSize(1);
    });
  }

  @Test
  void aUrlThatCannotBeArchivedIsRefusedWithItsReason() {
    test((server, client) -> {
      Response r = client.post("/api/saves", Map.of("url", "file:///etc/passwd"));
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).path("error").path("message").asText()).isNotBlank();
      assertThat(store.stats().queued()).isZero();
    });
  }

  @Test
  void snapshotsAreListedAndAUrlsVersionsRead() {
    archived(PAGE, "20240101000000");
    archived(PAGE, "20240202000000");
    test((server, client) -> {
      Response list = client.get("/api/snapshots");
      assertThat(list.code()).isEqualTo(200);
      assertThat(json(list).path("snapshots").toString()).contains(PAGE);
      Response versions = client.get("/api/snapshots/" + UrlKeys.hashUrl(PAGE));
      assertThat(versions.code()).as(text(versions)).isEqualTo(200);
      assertThat(json(versions).path("url").asText()).isEqualTo(PAGE);
      assertThat(text(versions)).contains("20240101000000").contains("20240202000000");
    });
  }

  @Test
  void searchFindsAStoredPageAndAnEmptyQueryIsABadRequest() {
    archived(PAGE, "20240101000000");
    test((server, client) -> {
      Response hits = client.get("/api/snapshots?q=rhubarb");
      assertThat(hits.code()).isEqualTo(200);
      assertThat(json(hits).path("snapshots")).hasSize(1);
      assertThat(json(hits).path("snapshots").get(0).path("url").asText()).isEqualTo(PAGE);
      Response star = client.get("/api/snapshots?q=*");
      assertThat(star.code()).isEqualTo(400);
      assertThat(json(star).path("error").path("code").asText()).isEqualTo("bad_query");
    });
  }

  @Test
  void errorsAreJsonWithACodeWhateverTheController() {
    test((server, client) -> {
      Response badJson = client.request("/api/saves",
          b -> b.post(BodyPublishers.ofString("{not json")).header("Content-Type", "application/json"));
      assertThat(badJson.code()).isEqualTo(400);
      assertThat(json(badJson).path("error").path("message").asText()).contains("not valid JSON");
      Response unknown = client.get("/api/nothing-here");
      assertThat(unknown.code()).isEqualTo(404);
      assertThat(json(unknown).path("error").path("code").asText()).isEqualTo("not_found");
      assertThat(client.get("/api/saves/abc").code()).isEqualTo(400);
      assertThat(client.get("/api/saves/999999").code()).isEqualTo(404);
      assertThat(client.get("/api/snapshots/zzzz").code()).isEqualTo(400);
      assertThat(client.get("/api/saves?limit=0").code()).isEqualTo(400);
    });
  }

  @Test
  void theGuardRefusesNoTokenForeignHostsAndCrossSitePosts() {
    archived(PAGE, "20240101000000");
    test((server, client) -> {
      HttpClient anonymous = new HttpClient(server, java.net.http.HttpClient.newHttpClient());
      assertThat(anonymous.get("/api/snapshots").code()).isEqualTo(401);
      assertThat(anonymous.get("/api/health").code()).isEqualTo(200);
      // DNS rebinding: a foreign Host with the token (java.net.http will not send a Host of its own).
      RawHttp.Reply rebound = new RawHttp(server.port(), TOKEN).send("GET", "/api/stats", null,
          Map.of("Host", "attacker.example:" + server.port()));
      assertThat(rebound.status()).isEqualTo(403);
      assertThat(rebound.text()).doesNotContain(PAGE);
      Response csrf = anonymous.request("/api/saves", b -> b.post(BodyPublishers.ofString("{\"url\":\"https://x.example/\"}"))
          .header("Origin", "https://evil.example").header("Content-Type", "text/plain"));
      assertThat(csrf.code()).isEqualTo(403);
      Response shutdown = anonymous.post("/api/shutdown", Map.of());
      assertThat(shutdown.code()).isIn(401, 403);
      assertThat(store.stats().queued()).isZero();
    });
  }

  @Test
  void theReplayOriginServesNoApi() {
    archived(PAGE, "20240101000000");
    test((server, client) -> {
      assertThat(client.get("/api/stats").code()).isEqualTo(200);
      // http://localhost:PORT is pagekeep's replay origin: archived pages only, whatever the request holds.
      client.setOrigin("http://localhost:" + server.port());
      Response stats = client.get("/api/stats");
      assertThat(stats.code()).isEqualTo(403);
      assertThat(json(stats).path("error").path("code").asText()).isEqualTo("replay_origin");
      assertThat(text(stats)).doesNotContain(PAGE);
      assertThat(client.post("/api/saves", Map.of("url", PAGE)).code()).isEqualTo(403);
      assertThat(store.stats().queued()).isZero();
    });
  }
}

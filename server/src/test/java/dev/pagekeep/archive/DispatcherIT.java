package dev.pagekeep.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.fetch.OkHttpFetcher;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.store.ArchiveStore.Enqueued;
import dev.pagekeep.store.ArchiveStore.NewSave;
import dev.pagekeep.store.MapDbArchiveStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher with every real part: a MapDB store on disk, the OkHttp fetcher, the capture
 * pipeline, and origins on loopback addresses (127.0.0.1 is the slow host, 127.0.0.2-5 the fast
 * ones). The slow host holds every request until the test opens its gate, so "the fast pages did
 * not wait" is a fact the test checks, not a time it measures.
 */
class DispatcherIT {
  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final AtomicInteger slowNow = new AtomicInteger();
  private final AtomicInteger slowPeak = new AtomicInteger();
  private final CountDownLatch fourHeld = new CountDownLatch(4);
  /** Paths in the order the origins received them, all hosts together. */
  private final List<String> arrivals = java.util.Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void closeAll() throws Exception {
    gate.countDown();
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  /** An origin on {@code address}; with {@code gated}, every page waits for the gate. */
  private String origin(String address, boolean gated) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 0);
    ExecutorService threads = Executors.newCachedThreadPool();
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      arrivals.add(address + path);
      if (gated) {
        slowPeak.accumulateAndGet(slowNow.incrementAndGet(), Math::max);
        fourHeld.countDown();
        try {
          gate.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          slowNow.decrementAndGet();
        }
      }
      byte[] body = ("<!doctype html><title>" + path + "</title><p>page " + path + "</p>").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    open.add(() -> {
      server.stop(0);
      threads.shutdownNow();
    });
    return "http://" + address + ":" + server.getAddress().getPort();
  }

  private record Rig(MapDbArchiveStore store, Archiver archiver, Map<Long, Save> finished) {}

  private Rig rig(int maxPages, int maxPagesPerHost, Map<Long, CountDownLatch> waiting) {
    return rig(maxPages, maxPagesPerHost, waiting, BodyBudget.unlimited());
  }

  private Rig rig(int maxPages, int maxPagesPerHost, Map<Long, CountDownLatch> waiting, BodyBudget bodies) {
    MapDbArchiveStore store = MapDbArchiveStore.open(dir.resolve("archive.db"));
    OkHttpFetcher fetcher = new OkHttpFetcher(FetchLimits.defaults());
    ExecutorService cpu = Executors.newFixedThreadPool(2);
    Archiver archiver = new Archiver(store, new PageCapturer(fetcher, cpu, 10, 0), maxPages, maxPagesPerHost, bodies);
    Map<Long, Save> finished = new ConcurrentHashMap<>();
    archiver.setListener(s -> {
      finished.put(s.id(), s);
      CountDownLatch l = waiting.get(s.id());
      if (l != null) l.countDown();
    });
    open.add(store);
    open.add(fetcher::close);
    open.add(cpu::shutdownNow);
    open.add(archiver);
    return new Rig(store, archiver, finished);
  }

  private static List<Save> queue(MapDbArchiveStore store, String source, List<String> urls) {
    List<NewSave> batch = new ArrayList<>();
    for (String u : urls) batch.add(new NewSave(u, source, null, null));
    List<Save> out = new ArrayList<>();
    for (Enqueued e : store.enqueue(batch)) out.add(e.save());
    return out;
  }

  @Test
  void aBodyBudgetOfOnePageFetchesOnePageAtATimeAndTheOthersWaitBeforeFetching() throws Exception {
    String slow = origin("127.0.0.1", true);
    BodyBudget bodies = new BodyBudget(1); // every page is expected larger: one at a time
    Rig rig = rig(8, 8, new ConcurrentHashMap<>(), bodies);
    List<Save> saves = queue(rig.store, "import", List.of(slow + "/a", slow + "/b", slow + "/c"));
    CountDownLatch idle = new CountDownLatch(1);
    rig.archiver.dispatcher().setIdleCallback(idle::countDown);
    rig.archiver.start();

    dev.pagekeep.testing.Await.until("two captures wait for the budget", java.time.Duration.ofSeconds(60),
        () -> bodies.waiting() == 2);
    assertEquals(3, rig.archiver.dispatcher().runningCount(), "all three hold page slots");
    dev.pagekeep.testing.Await.until("the admitted one reaches the origin", java.time.Duration.ofSeconds(60),
        () -> arrivals.size() == 1);
    assertEquals(2, bodies.waiting(), "the others have not fetched anything");

    gate.countDown();
    assertTrue(idle.await(120, TimeUnit.SECONDS), "the idle callback says the queue is drained");
    for (Save s : saves) assertEquals(SaveState.DONE, rig.store.save(s.id()).orElseThrow().state(), s.url());
    assertEquals(1, slowPeak.get(), "never two pages at the origin at once");
    assertEquals(0, bodies.held(), "every reservation given back");
    assertTrue(bodies.estimate() < BodyBudget.INITIAL_ESTIMATE, "the estimate learned the small pages: " + bodies.estimate());
  }

  @Test
  void hundredFastPagesFinishWhileSixteenSlowPagesOfOneHostHang() throws Exception {
    String slow = origin("127.0.0.1", true);
    List<String> fast = List.of(origin("127.0.0.2", false), origin("127.0.0.3", false),
        origin("127.0.0.4", false), origin("127.0.0.5", false));
    CountDownLatch fastDone = new CountDownLatch(100);
    Map<Long, CountDownLatch> waiting = new ConcurrentHashMap<>();
    Rig rig = rig(16, 4, waiting);

    List<String> slowUrls = new ArrayList<>();
    for (int i = 0; i < 16; i++) slowUrls.add(slow + "/slow/" + i);
    List<String> fastUrls = new ArrayList<>();
    for (int i = 0; i < 100; i++) fastUrls.add(fast.get(i % 4) + "/fast/" + i);
    List<Save> slowSaves = queue(rig.store, "import", slowUrls); // queued first
    List<Save> fastSaves = queue(rig.store, "import", fastUrls); // behind them
    for (Save s : fastSaves) waiting.put(s.id(), fastDone);
    CountDownLatch idle = new CountDownLatch(1);
    rig.archiver.dispatcher().setIdleCallback(idle::countDown);
    rig.archiver.start();

    assertTrue(fastDone.await(120, TimeUnit.SECONDS), "the fast pages finish while the slow host still holds its pages");
    for (Save s : fastSaves) assertEquals(SaveState.DONE, rig.store.save(s.id()).orElseThrow().state(), s.url());
    for (Save s : slowSaves) assertEquals(SaveState.QUEUED, rig.store.save(s.id()).orElseThrow().state(), "still waiting: " + s.url());
    assertEquals(4, rig.archiver.dispatcher().runningByHost().get("127.0.0.1"), "the slow host holds its cap of pages, no more");
    assertTrue(slowPeak.get() <= 4, "at most 4 of its pages were ever fetched at once: " + slowPeak.get());

    gate.countDown();
    assertTrue(idle.await(120, TimeUnit.SECONDS), "the idle callback says the queue is drained");
    for (Save s : slowSaves) assertEquals(SaveState.DONE, rig.store.save(s.id()).orElseThrow().state(), s.url());
    assertEquals(116, rig.finished.size());
  }

  @Test
  void toolbarSaveQueuedBehindThousandsOfImportSavesIsAdmittedNext() throws Exception {
    String slow = origin("127.0.0.1", true);
    String other = origin("127.0.0.2", false);
    Map<Long, CountDownLatch> waiting = new ConcurrentHashMap<>();
    Rig rig = rig(4, 4, waiting);
    List<String> imports = new ArrayList<>();
    for (int i = 0; i < 3000; i++) imports.add(slow + "/import/" + i);
    queue(rig.store, "import", imports);
    rig.archiver.start();
    // the four page slots are taken by imports that hang at the slow host
    assertTrue(fourHeld.await(60, TimeUnit.SECONDS));

    Save click = queue(rig.store, "toolbar", List.of(other + "/clicked")).get(0);
    CountDownLatch clicked = new CountDownLatch(1);
    waiting.put(click.id(), clicked);
    rig.archiver.enqueued(List.of(click)); // what POST /api/saves does
    gate.countDown();

    assertTrue(clicked.await(120, TimeUnit.SECONDS));
    int at = arrivals.indexOf("127.0.0.2/clicked");
    assertTrue(at >= 4 && at < 4 + 4, "the toolbar page is fetched among the first saves after the 4 running ones, not after 2,996 imports: "
        + "arrival " + at + " of " + arrivals.size());
  }
}

package dev.pagekeep;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.api.HttpApi;
import dev.pagekeep.api.Sessions;
import dev.pagekeep.archive.Archiver;
import dev.pagekeep.archive.BodyBudget;
import dev.pagekeep.archive.PageCapturer;
import dev.pagekeep.archive.PagesInFlight;
import dev.pagekeep.config.Config;
import dev.pagekeep.fetch.OkHttpFetcher;
import dev.pagekeep.imports.Importer;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Save;
import dev.pagekeep.replay.Replayer;
import dev.pagekeep.rot.RotChecker;
import dev.pagekeep.search.LuceneSearchIndex;
import dev.pagekeep.search.SearchIndexer;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.MapDbArchiveStore;
import dev.pagekeep.store.StoreException;
import dev.pagekeep.watch.Watcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dns;

/**
 * The composition root of a running archive: store, fetcher, capture pipeline, archiver and
 * HTTP API, wired from one {@link Config}. Used by {@code serve} and by tests that want the
 * real thing on port 0. Only this class opens the store, and only one per data directory
 * (a lock file says who has it).
 */
public final class Service implements AutoCloseable {
  private final Config config;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ArchiveStore store;
  private final OkHttpFetcher fetcher;
  private final ExecutorService cpu;
  private final int pagesInFlight;
  private final Archiver archiver;
  private volatile IdleCollector idleCollector;
  private final HttpApi api;
  private final SearchIndexer search;
  private final Watcher watcher;
  private final RotChecker rot;
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
  private boolean closing; // guarded by this

  private Service(Config config, Dns dns) {
    this.config = config;
    config.dataDir().create();
    this.lockChannel = openLock(config.dataDir().lockFile());
    try {
      this.lock = lockChannel.tryLock();
    } catch (IOException e) {
      throw new StoreException("cannot lock " + config.dataDir().lockFile() + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      closeQuietly(lockChannel);
      throw new StoreException("another pagekeep is already serving " + config.dataDir().root(), null);
    }
    String token = config.dataDir().readOrCreateToken();
    MapDbArchiveStore mapDb = MapDbArchiveStore.open(config.dataDir().storeFile());
    this.store = mapDb;
    this.fetcher = new OkHttpFetcher(config.fetch(), dns);
    AtomicInteger n = new AtomicInteger();
    this.cpu = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
      Thread t = new Thread(r, "capture-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    PageCapturer capturer = new PageCapturer(fetcher, cpu, config.maxRequisites(), config.frameDepth());
    this.pagesInFlight = PagesInFlight.cap(config.maxPagesInFlight(), Runtime.getRuntime().maxMemory());
    this.archiver = new Archiver(store, capturer, pagesInFlight, config.maxPagesPerHost(),
        BodyBudget.forHeap(Runtime.getRuntime().maxMemory()));
    this.search = new SearchIndexer(store, LuceneSearchIndex.openOrReset(config.dataDir().searchDir(),
        SearchIndexer.texts(store), config.indexedChars()));
    Importer importer = new Importer(store, archiver::wake, Clock.systemUTC())
        .onImported(search::onStored).tempDir(config.dataDir().root());
    this.rot = new RotChecker(store.rot(), RotChecker.Options.defaults().withDns(dns), Clock.systemUTC());
    archiver.setListener(new Archiver.SaveListener() {
      @Override
      public void onFinished(Save save) { // failed, or needs the browser: nothing to index or check
        importer.onFinished(save);
      }

      @Override
      public void onDone(Save save, Capture page, String text) { // the stored page handed over, nothing read back
        search.onDone(page, text);
        importer.onFinished(save);
        rot.onCaptured(page);
      }
    });
    this.watcher = new Watcher(store, mapDb.watches(), fetcher, archiver::wake, Clock.systemUTC());
    search.index().filter("gone", () -> store.rot().goneKeys());
    this.api = HttpApi.create(store, archiver, new Replayer(store), new Sessions(token, Clock.systemUTC()),
        new HttpApi.Features(search, importer, watcher, rot));
    api.onShutdown(this::requestStop);
  }

  /** Opens everything, starts the archiver and the API, and writes service.json. */
  public static Service start(Config config) {
    return start(config, Dns.SYSTEM);
  }

  /** As {@link #start(Config)}, resolving host names with {@code dns} (tests map names to 127.0.0.1). */
  public static Service start(Config config, Dns dns) {
    Service s = new Service(config, dns);
    try {
      s.search.catchUp();
      s.archiver.start();
      s.watcher.start();
      s.rot.start();
      s.api.start(config.port());
      s.writeServiceFile();
      s.idleCollector = new IdleCollector(() -> s.archiver.dispatcher().runningCount() + s.archiver.dispatcher().readyCount() > 0);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  public int port() { return api.port(); }
  /** Pages captured at once: as configured, or fewer when the heap cannot hold that many ({@link PagesInFlight}). */
  public int pagesInFlight() { return pagesInFlight; }
  public String baseUrl() { return "http://127.0.0.1:" + api.port(); }
  public ArchiveStore store() { return store; }
  public Archiver archiver() { return archiver; }
  public HttpApi api() { return api; }
  public SearchIndexer search() { return search; }
  public Watcher watcher() { return watcher; }
  public RotChecker rot() { return rot; }
  public Config config() { return config; }

  /** A fresh one-time login link for the web UI. */
  public String loginLink() {
    return baseUrl() + "/login?token=" + api.sessions().newLoginCode();
  }

  private void writeServiceFile() {
    Path file = config.dataDir().serviceFile();
    try {
      Path tmp = Files.createTempFile(file.getParent(), "service", ".tmp");
      Files.writeString(tmp, new ObjectMapper().writeValueAsString(
          Map.of("port", api.port(), "pid", ProcessHandle.current().pid(), "version", HttpApi.VERSION)));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileChannel openLock(Path file) {
    try {
      return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Closes the service on a thread of its own (the caller may be one of the API's request
   * threads, which {@link #close()} waits for); {@link #awaitClosed()} returns once it is done.
   */
  public void requestStop() {
    Thread t = new Thread(this::close, "stop");
    t.setDaemon(false);
    t.start();
  }

  /** Blocks until {@link #close()} has finished, whoever called it. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /**
   * Stops taking requests, lets the archiver stop, closes the store, removes service.json and
   * releases serve.lock. Queued saves stay queued. Idempotent: a second call waits for the first.
   */
  @Override
  public synchronized void close() {
    if (closing) return;
    closing = true;
    try {
      closeParts();
    } finally {
      closed.countDown();
    }
  }

  private void closeParts() {
    try {
      api.stop();
    } catch (RuntimeException ignored) {
      // closing anyway
    }
    if (idleCollector != null) idleCollector.close();
    watcher.close();
    archiver.close();
    rot.close();
    fetcher.close();
    cpu.shutdownNow();
    search.index().close();
    store.close();
    try {
      Files.deleteIfExists(config.dataDir().serviceFile());
    } catch (IOException ignored) {
      // a stale service.json is detected by its failing health check
    }
    try {
      lock.release();
    } catch (IOException ignored) {
      // released with the channel
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}

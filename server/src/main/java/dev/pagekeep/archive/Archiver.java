package dev.pagekeep.archive;

import dev.pagekeep.fetch.FetchException;
import dev.pagekeep.fetch.FetchResult;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveResource;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import dev.pagekeep.store.SaveOrder;
import dev.pagekeep.store.StoreFullException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures queued saves: reads a save, captures it and records the result (done, failed,
 * needs-browser) in the transaction that takes it off the queue, so a crash at any point re-runs
 * it on the next start and never loses it. Which save runs when is not decided here: the
 * {@link Dispatcher} holds the whole admission policy (interactive first, per-host caps, the
 * disk-full pause) and the executors; this class is its job and the API's face onto it.
 */
public final class Archiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Archiver.class);

  private final ArchiveStore store;
  private final PageCapturer capturer;
  private final Dispatcher dispatcher;
  private final BodyBudget bodies;
  private final AnnouncedSaves announced = new AnnouncedSaves();
  private volatile SaveListener listener = (save) -> {};

  /** Told when a save is finished (search indexing, import progress, link rot). */
  public interface SaveListener {
    /** A save failed or needs the browser. */
    void onFinished(Save save);

    /**
     * A save reached done with this snapshot: its page as stored and the page's text, handed over
     * so that a listener need not read them back from the store (a read waits for the writer's
     * next commit). By default, {@link #onFinished}.
     */
    default void onDone(Save save, Capture page, String text) {
      onFinished(save);
    }
  }

  public Archiver(ArchiveStore store, PageCapturer capturer, int maxPagesInFlight) {
    this(store, capturer, maxPagesInFlight, maxPagesInFlight);
  }

  public Archiver(ArchiveStore store, PageCapturer capturer, int maxPagesInFlight, int maxPagesPerHost) {
    this(store, capturer, maxPagesInFlight, maxPagesPerHost, BodyBudget.unlimited());
  }

  /** As above, with the bytes of pages held from fetch to record bounded by {@code bodies} ({@link BodyBudget}). */
  public Archiver(ArchiveStore store, PageCapturer capturer, int maxPagesInFlight, int maxPagesPerHost, BodyBudget bodies) {
    this.bodies = bodies;
    this.store = store;
    this.capturer = capturer;
    this.dispatcher = Dispatcher.create(store, this::run, maxPagesInFlight, maxPagesPerHost);
  }

  public void setListener(SaveListener listener) { this.listener = listener; }

  public Dispatcher dispatcher() { return dispatcher; }

  public Archiver start() {
    dispatcher.start();
    return this;
  }

  /** New saves were queued at the end of the queue (an import batch). */
  public void wake() { dispatcher.queueGrew(); }

  /** These saves were queued (or re-queued): interactive ones are admitted before bulk ones. */
  public void enqueued(List<Save> saves) {
    announced.put(saves);
    dispatcher.enqueued(saves);
  }

  /** A queued save is being deleted: it must not start from the copy announced with it. */
  public void forget(long saveId) { announced.take(saveId); }

  /** A save went back on the queue behind the cursor (a retry): scan from the start. */
  public void rescan() { dispatcher.rescan(); }

  /** True while captures are paused because the disk is full. */
  public boolean isPausedForDiskFull() { return dispatcher.isPausedForDiskFull(); }

  public boolean isInFlight(long saveId) { return dispatcher.isRunning(saveId); }

  public int inFlightCount() { return dispatcher.runningCount(); }

  /** Ids of the saves being captured now (at most maxPagesInFlight of them). */
  public List<Long> inFlightIds() { return dispatcher.runningIds(); }

  public long finishedCount() { return dispatcher.finishedCount(); }

  /** The dispatcher's job: one queued save, captured and recorded. */
  private CompletableFuture<Dispatcher.Outcome> run(long saveId, Runnable fetched) {
    Save save = announced.take(saveId);
    if (save == null) save = store.save(saveId).orElse(null);
    if (save == null || save.state() != SaveState.QUEUED) { // deleted, or finished meanwhile
      return CompletableFuture.completedFuture(Dispatcher.Outcome.RECORDED);
    }
    return process(save, fetched);
  }

  /**
   * A save's capture, started once its page's expected size fits the body budget (before anything is
   * fetched) and holding it until the result is recorded.
   */
  private CompletableFuture<Dispatcher.Outcome> process(Save save, Runnable fetched) {
    long charge = bodies.estimate();
    return bodies.reserve(charge, SaveOrder.isInteractive(save.source())).thenCompose(v -> capture(save, fetched))
        .whenComplete((outcome, error) -> bodies.release(charge));
  }

  private CompletableFuture<Dispatcher.Outcome> capture(Save save, Runnable fetched) {
    String ts = Timestamps.format(Instant.now());
    CompletableFuture<PageCapturer.Result> work;
    PageCapturer.BrowserResources given = browserResources(save);
    if (save.htmlDigest() != null) {
      byte[] html = store.blob(save.htmlDigest()).orElse(null);
      work = html == null ? capturer.capture(save.url(), save.source(), ts, given)
          : capturer.captureDom(save.url(), html, save.title(), save.source(), ts, save.httpStatus(), given);
    } else {
      work = capturer.capture(save.url(), save.source(), ts, given);
    }
    return work.handleAsync((result, error) -> {
      fetched.run(); // only the recording is left: the page's slots go to the next save meanwhile
      try {
        Save finishedSave;
        if (error == null) {
          int attempts = Math.max(1, result.attempts());
          Capture page = store.finish(save, attempts, result.page(), result.requisites());
          bodies.record(result.page().capture().size());
          // The save as finish recorded it, built here: a read would wait for the writer's next commit.
          Save done = save.done(page.timestamp(), attempts, System.currentTimeMillis());
          listener.onDone(done, page, result.text() != null ? result.text() : text(result.page()));
          return Dispatcher.Outcome.RECORDED;
        } else {
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          int attempts = cause instanceof FetchException fe ? fe.attempts() : 1;
          String reason = cause instanceof FetchException ? cause.getMessage() : "capture failed: " + cause;
          Optional<String> wall = wall(save, cause);
          finishedSave = wall.isPresent() ? store.needsBrowser(save, Math.max(1, attempts), wall.get())
              : store.fail(save, attempts, reason);
        }
        listener.onFinished(finishedSave);
      } catch (StoreFullException e) {
        return Dispatcher.Outcome.DISK_FULL; // the save stays queued; the dispatcher pauses
      } catch (RuntimeException e) {
        // The store refused (closed, damaged): the save stays queued and is retried later.
        log.error("could not record the result of save {} ({}): {}", save.id(), save.url(), e.getMessage());
      }
      return Dispatcher.Outcome.RECORDED;
    }, dispatcher.executor());
  }

  /**
   * The requisites the browser sent with the save, read from the store when the capture asks for
   * them. Only what the browser got with a 2xx is used; for the rest the service fetches itself.
   */
  private PageCapturer.BrowserResources browserResources(Save save) {
    if (save.resourceList().isEmpty()) return PageCapturer.NONE;
    Map<String, SaveResource> byUrl = new HashMap<>();
    for (SaveResource r : save.resourceList()) {
      if (r.status() >= 200 && r.status() < 300) byUrl.putIfAbsent(r.url(), r);
    }
    return url -> {
      SaveResource r = byUrl.get(url);
      if (r == null) return null;
      byte[] body = store.blob(r.digest()).orElse(null);
      if (body == null) return null;
      List<String> headers = new ArrayList<>();
      if (r.contentType() != null) headers.add("Content-Type: " + r.contentType());
      headers.add("X-Pagekeep-Source: browser");
      return new FetchResult(url, url, r.status(), r.contentType(), headers, body, 0, List.of());
    };
  }

  private static String text(StoredCapture page) {
    return page.text() == null ? "" : new String(Blob.decode(page.text().stored()), StandardCharsets.UTF_8);
  }

  /** The wall the service's fetch met, if that is why it failed (a browser's DOM never meets one). */
  private static Optional<String> wall(Save save, Throwable cause) {
    if (save.htmlDigest() != null) return Optional.empty();
    if (cause instanceof WallException w) return Optional.of(w.getMessage());
    if (cause instanceof FetchException fe) return Walls.forStatus(fe.status(), fe.getMessage());
    return Optional.empty();
  }

  @Override
  public void close() {
    dispatcher.close();
  }
}

package dev.pagekeep.imports;

import dev.pagekeep.model.InvalidUrlException;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveLimits;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.ArchiveStore.Enqueued;
import dev.pagekeep.store.ArchiveStore.NewSave;
import dev.pagekeep.model.Capture;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.nio.file.Path;

/**
 * Runs imports: reads a stream entry by entry, queues the URLs durably in batches (each batch
 * is one store transaction), wakes the archiver after each batch so fetching starts at once,
 * and keeps the progress of recent imports for the API. A web archive (WARC or WACZ, known by its
 * first bytes, not its name) is stored as snapshots instead, with nothing fetched ({@link WebArchives}). Lines that are not archivable URLs
 * (bookmarklets, {@code chrome://} pages, garbage) are skipped with the reason.
 */
public final class Importer {
  static final int BATCH = 1000;
  private static final int KEEP_JOBS = 20;

  private final ArchiveStore store;
  private final Runnable wake;
  private final Clock clock;
  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentSkipListMap<Long, ImportJob> jobs = new ConcurrentSkipListMap<>();
  private volatile Consumer<Capture> imported = c -> { };
  private volatile Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));

  /** @param wake tells the archiver that saves were queued */
  public Importer(ArchiveStore store, Runnable wake, Clock clock) {
    this.store = store;
    this.wake = wake;
    this.clock = clock;
  }

  /** Told of every snapshot a web archive import stored (the search index adds it). */
  public Importer onImported(Consumer<Capture> listener) {
    this.imported = listener;
    return this;
  }

  /** Where an uploaded web archive is kept while it is imported (default: java.io.tmpdir). */
  public Importer tempDir(Path dir) {
    this.tempDir = dir;
    return this;
  }

  /** Starts a job for a file about to be read (so its progress shows while it uploads). */
  public ImportJob begin(String name) {
    ImportJob job = new ImportJob(ids.incrementAndGet(), name == null || name.isBlank() ? "import" : name, clock.millis());
    jobs.put(job.id(), job);
    while (jobs.size() > KEEP_JOBS) jobs.pollFirstEntry();
    return job;
  }

  /**
   * Reads {@code in} to the end, queueing every URL. Returns when all are durably queued.
   *
   * @throws IOException when the stream breaks; what was queued before stays queued
   */
  public ImportJob run(ImportJob job, InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    WebArchives.Kind kind = WebArchives.sniff(buffered);
    if (kind != null) {
      try {
        job.format(kind.wire());
        WebArchives.importFrom(kind, buffered, tempDir, files -> new ArchiveImport(store, job, imported, files), job);
        job.allQueued(clock.millis());
        return job;
      } catch (IOException | RuntimeException ex) {
        job.aborted(ex.getMessage());
        throw ex;
      }
    }
    try (ImportReader reader = ImportReader.open(buffered)) {
      job.format(reader.format());
      List<ImportEntry> batch = new ArrayList<>(BATCH);
      ImportEntry e;
      while ((e = next(reader, job, batch)) != null) {
        job.read.incrementAndGet();
        try {
          UrlKeys.validate(e.url());
          batch.add(e);
        } catch (InvalidUrlException bad) {
          job.skippedLine(e.line(), bad.getMessage());
        }
        if (batch.size() >= BATCH) flush(job, batch);
      }
      flush(job, batch);
      job.allQueued(clock.millis());
      return job;
    } catch (IOException | RuntimeException ex) {
      job.aborted(ex.getMessage());
      throw ex;
    }
  }

  /** The next entry; when the file breaks a bound, what was read before it is queued first. */
  private ImportEntry next(ImportReader reader, ImportJob job, List<ImportEntry> batch) throws IOException {
    try {
      return reader.next();
    } catch (ImportLimitException tooLarge) {
      flush(job, batch);
      throw tooLarge;
    }
  }

  private void flush(ImportJob job, List<ImportEntry> batch) {
    if (batch.isEmpty()) return;
    List<NewSave> saves = new ArrayList<>(batch.size());
    for (ImportEntry e : batch) saves.add(new NewSave(e.url(), "import", SaveLimits.title(e.title()), null, SaveLimits.tags(e.tags())));
    for (Enqueued q : store.enqueue(saves)) {
      if (q.existing()) job.existing.incrementAndGet();
      else job.queuedSave(q.save().id());
    }
    batch.clear();
    wake.run();
  }

  /** The archiver's listener: counts a finished import save towards its job. */
  public void onFinished(Save save) {
    if (!"import".equals(save.source())) return;
    for (ImportJob job : jobs.descendingMap().values()) {
      if (job.owns(save.id())) {
        if (save.state() == SaveState.DONE) job.done.incrementAndGet();
        else if (save.state() == SaveState.FAILED) job.failed.incrementAndGet();
        job.settle(clock.millis());
        return;
      }
    }
  }

  public Optional<ImportJob> job(long id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Recent jobs, newest first. */
  public List<Map<String, Object>> views() {
    long now = clock.millis();
    List<Map<String, Object>> out = new ArrayList<>();
    for (ImportJob j : jobs.descendingMap().values()) out.add(j.view(now));
    return out;
  }

  public Map<String, Object> view(ImportJob job) {
    return job.view(clock.millis());
  }
}

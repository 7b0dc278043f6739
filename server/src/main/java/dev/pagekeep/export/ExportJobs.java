package dev.pagekeep.export;

import dev.pagekeep.store.ArchiveStore;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** The exports running now and the last few finished ones, newest first (kept in memory only). */
public final class ExportJobs {
  private static final int KEPT = 20;
  private final Deque<ExportProgress> jobs = new ArrayDeque<>();
  private final Clock clock;
  private long nextId = 1;

  public ExportJobs(Clock clock) {
    this.clock = clock;
  }

  /** A new export of {@code format}; its total is what the store holds now (URLs for site and Markdown, snapshots otherwise). */
  public synchronized ExportProgress begin(ExportFormat format, ArchiveStore store) {
    ArchiveStore.Stats s = store.stats();
    long total = format == ExportFormat.SITE || format == ExportFormat.MARKDOWN ? s.urls() : s.pages();
    ExportProgress p = new ExportProgress(nextId++, format, total, clock.instant());
    jobs.addFirst(p);
    while (jobs.size() > KEPT) jobs.removeLast();
    return p;
  }

  public synchronized List<ExportProgress> list() {
    return new ArrayList<>(jobs);
  }

  public synchronized Optional<ExportProgress> get(long id) {
    return jobs.stream().filter(j -> j.id() == id).findFirst();
  }
}

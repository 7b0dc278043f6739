package dev.pagekeep.export;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far one export has come: pages written of the total the archive held when it began. Exporters
 * count as they write; the API lists it ({@code GET /api/exports}) and the CLI shows it as a bar.
 */
public final class ExportProgress {
  private final long id;
  private final ExportFormat format;
  private final long total;
  private final Instant started;
  private final AtomicLong done = new AtomicLong();
  private volatile String state = "running";
  private volatile String error;

  public ExportProgress(long id, ExportFormat format, long total, Instant started) {
    this.id = id;
    this.format = format;
    this.total = total;
    this.started = started;
  }

  /** A progress nobody reads (exports run from tests and benchmarks). */
  static ExportProgress none() {
    return new ExportProgress(0, ExportFormat.WARC, 0, Instant.EPOCH);
  }

  void page() { done.incrementAndGet(); }

  public void finished() { state = "finished"; }

  public void failed(String reason) {
    error = reason;
    state = "failed";
  }

  public long id() { return id; }
  public ExportFormat format() { return format; }
  public long total() { return total; }
  public long done() { return done.get(); }
  public Instant started() { return started; }
  public String state() { return state; }
  public String error() { return error; }
}

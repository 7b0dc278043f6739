package dev.pagekeep.imports;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The progress of one import: lines read, saves queued (new), already queued, skipped (not an
 * archivable URL), and of the queued ones how many are done or failed. For a web archive (WARC,
 * WACZ): capture records read, snapshots stored ({@code queued} and {@code done}), already in the
 * archive ({@code existing}), and records that could not be read ({@code skipped}, with offsets). Thread-safe counters;
 * the save ids it queued are a range, so progress costs no memory per URL.
 */
public final class ImportJob {
  private static final int MAX_ERRORS = 20;

  public enum State { READING, QUEUED, FINISHED, FAILED }

  private final long id;
  private final String name;
  private final long startedAt;
  private volatile String format = "?";
  private volatile State state = State.READING;
  private volatile long queuedAt;
  private volatile long lastFinish;
  private volatile String error;
  final AtomicLong read = new AtomicLong();
  final AtomicLong queued = new AtomicLong();
  final AtomicLong existing = new AtomicLong();
  final AtomicLong skipped = new AtomicLong();
  final AtomicLong done = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  private final AtomicLong firstSaveId = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastSaveId = new AtomicLong(Long.MIN_VALUE);
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

  ImportJob(long id, String name, long now) {
    this.id = id;
    this.name = name;
    this.startedAt = now;
  }

  public long id() { return id; }
  public State state() { return state; }
  public long queued() { return queued.get(); }
  public long done() { return done.get(); }
  public long failed() { return failed.get(); }

  void format(String f) { format = f; }

  void queuedSave(long saveId) {
    queued.incrementAndGet();
    firstSaveId.accumulateAndGet(saveId, Math::min);
    lastSaveId.accumulateAndGet(saveId, Math::max);
  }

  boolean owns(long saveId) {
    return saveId >= firstSaveId.get() && saveId <= lastSaveId.get();
  }

  /** A snapshot stored by an archive import (nothing left to fetch: queued and done at once). */
  void imported() {
    queued.incrementAndGet();
    done.incrementAndGet();
  }

  /** A record of an archive import that could not be read or stored, with where it is. */
  void recordError(String where) {
    skipped.incrementAndGet();
    if (errors.size() < MAX_ERRORS) errors.add(where);
  }

  void skippedLine(long line, String reason) {
    skipped.incrementAndGet();
    if (errors.size() < MAX_ERRORS) errors.add("line " + line + ": " + reason);
  }

  void allQueued(long now) {
    queuedAt = now;
    state = State.QUEUED;
    settle(now);
  }

  void aborted(String reason) {
    error = reason;
    state = State.FAILED;
  }

  /** Called as saves finish: the job is finished when every save it queued is. */
  void settle(long now) {
    lastFinish = now;
    if (state == State.QUEUED && done.get() + failed.get() >= queued.get()) state = State.FINISHED;
  }

  /** The API's view: counters, rate (finished saves per second since queueing) and ETA in seconds. */
  public Map<String, Object> view(long now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("name", name);
    m.put("format", format);
    m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
    m.put("read", read.get());
    m.put("queued", queued.get());
    m.put("existing", existing.get());
    m.put("skipped", skipped.get());
    m.put("done", done.get());
    m.put("failed", failed.get());
    long finished = done.get() + failed.get();
    double seconds = Math.max(0.001, ((queuedAt > 0 && state == State.FINISHED ? lastFinish : now) - startedAt) / 1000.0);
    double rate = finished / seconds;
    m.put("rate", Math.round(rate * 10) / 10.0);
    long remaining = Math.max(0, queued.get() - finished);
    if (remaining == 0) m.put("etaSeconds", 0);
    else if (rate > 0) m.put("etaSeconds", (long) Math.ceil(remaining / rate));
    m.put("startedAt", startedAt);
    if (error != null) m.put("error", error);
    synchronized (errors) {
      if (!errors.isEmpty()) m.put("errors", List.copyOf(errors));
    }
    return m;
  }
}

package dev.pagekeep.diff;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.page.DiffRow;
import dev.pagekeep.page.Pages;
import dev.pagekeep.replay.ReplaySite;
import dev.pagekeep.replay.Replayer;
import dev.pagekeep.replay.WaybackUrl;
import dev.pagekeep.store.ArchiveStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What changed between two snapshots of one URL, at the level of their text (one line per
 * paragraph, as stored for search at capture time). Rendered as a page that reads in the browser
 * (served under {@link Replayer#CSP}: nothing in it runs) and as a JSON-ready map.
 */
public final class SnapshotDiff {
  /** Unchanged lines shown around each change; longer runs are folded. */
  static final int CONTEXT = 3;

  private final ArchiveStore store;
  private final Replayer replayer;

  public SnapshotDiff(ArchiveStore store, Replayer replayer) {
    this.store = store;
    this.replayer = replayer;
  }

  /** The two snapshots compared and the line edit script from {@code from} to {@code to}. */
  public record Result(Capture from, Capture to, List<TextDiff.Line> lines) {
    public int added() { return count(TextDiff.Op.ADDED); }

    public int removed() { return count(TextDiff.Op.REMOVED); }

    private int count(TextDiff.Op op) {
      return (int) lines.stream().filter(l -> l.op() == op).count();
    }
  }

  /** Why two snapshots cannot be compared; the message is one line for people. */
  public static final class NotComparable extends RuntimeException {
    public NotComparable(String message) { super(message); }
  }

  /**
   * Compares the snapshots of {@code url} nearest to the two timestamps (prefixes allowed, as in
   * replay). Fails with {@link NotComparable} when either has no snapshot or no stored text.
   */
  public Result between(String url, String fromTs, String toTs) {
    String target = WaybackUrl.repairScheme(url);
    Capture from = page(target, fromTs);
    Capture to = page(target, toTs);
    return new Result(from, to, TextDiff.diff(text(from), text(to)));
  }

  /** The snapshots of one URL key at exact timestamps; null {@code from}/{@code to}: the two newest. */
  public Result byKey(String urlKey, String fromTs, String toTs) {
    List<Capture> versions = store.versions(urlKey).stream().filter(Capture::isPage).toList();
    if (versions.isEmpty()) throw new NotComparable("no snapshot of " + urlKey);
    Capture to = toTs == null ? versions.get(versions.size() - 1) : exact(versions, toTs);
    Capture from = fromTs == null ? previous(versions, to) : exact(versions, fromTs);
    return new Result(from, to, TextDiff.diff(text(from), text(to)));
  }

  private static Capture exact(List<Capture> versions, String ts) {
    return versions.stream().filter(c -> c.timestamp().equals(ts)).findFirst()
        .orElseThrow(() -> new NotComparable("no snapshot at " + ts));
  }

  private static Capture previous(List<Capture> versions, Capture to) {
    Capture prev = null;
    for (Capture c : versions) {
      if (c.timestamp().compareTo(to.timestamp()) < 0) prev = c;
    }
    return prev == null ? to : prev;
  }

  private Capture page(String url, String ts) {
    if (!Timestamps.isTimestamp(ts)) throw new NotComparable("'" + ts + "' is not a timestamp (yyyyMMddHHmmss)");
    return replayer.find(url, Timestamps.pad(ts)).filter(Capture::isPage)
        .orElseThrow(() -> new NotComparable("no snapshot of " + url));
  }

  private String text(Capture c) {
    if (c.textDigest() == null) throw new NotComparable(c.url() + " at " + c.timestamp() + " has no text to compare (" + c.contentType() + ")");
    return store.blob(c.textDigest()).map(b -> new String(b, StandardCharsets.UTF_8))
        .orElseThrow(() -> new NotComparable("the text of " + c.url() + " at " + c.timestamp() + " is missing"));
  }

  /** For {@code GET /api/snapshots/{hashUrl}/diff}. */
  public static Map<String, Object> json(Result r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("url", r.to().url());
    out.put("hashUrl", r.to().hashUrl());
    out.put("from", r.from().timestamp());
    out.put("to", r.to().timestamp());
    out.put("added", r.added());
    out.put("removed", r.removed());
    List<Map<String, String>> lines = new ArrayList<>(r.lines().size());
    for (TextDiff.Line l : r.lines()) lines.add(Map.of("op", l.op().name().toLowerCase(Locale.ROOT), "text", l.text()));
    out.put("lines", lines);
    return out;
  }

  /** A page for people: changes in colour with a few lines of context, long unchanged runs folded. */
  public static String html(Result r) {
    return html(r, ReplaySite.SAME);
  }

  /** The page for people, its links to the snapshots under {@code site} ({@code diff.jte}). */
  public static String html(Result r, ReplaySite site) {
    Capture from = r.from();
    Capture to = r.to();
    String verdict = from.timestamp().equals(to.timestamp()) ? "Only one snapshot: nothing to compare yet."
        : r.added() == 0 && r.removed() == 0 ? "The text did not change." : null;
    return Pages.diff(to.title() == null || to.title().isBlank() ? to.url() : to.title(), to.url(),
        site.path(WaybackUrl.framed(from.timestamp(), from.url())), Replayer.human(from.timestamp()),
        site.path(WaybackUrl.framed(to.timestamp(), to.url())), Replayer.human(to.timestamp()),
        r.added(), r.removed(), verdict, verdict == null ? rows(r.lines()) : List.of());
  }

  /** The changed lines with {@link #CONTEXT} lines around each; longer unchanged runs folded. */
  static List<DiffRow> rows(List<TextDiff.Line> lines) {
    boolean[] shown = new boolean[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).op() == TextDiff.Op.SAME) continue;
      for (int j = Math.max(0, i - CONTEXT); j <= Math.min(lines.size() - 1, i + CONTEXT); j++) shown[j] = true;
    }
    List<DiffRow> rows = new ArrayList<>();
    int folded = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (!shown[i]) {
        folded++;
        continue;
      }
      if (folded > 0) rows.add(new DiffRow("fold", "", folded));
      folded = 0;
      TextDiff.Line l = lines.get(i);
      rows.add(new DiffRow(l.op().name().toLowerCase(Locale.ROOT), l.text(), 0));
    }
    if (folded > 0) rows.add(new DiffRow("fold", "", folded));
    return rows;
  }
}

package dev.pagekeep.diff;

import dev.pagekeep.capture.Documents;
import dev.pagekeep.capture.ParsedPage;
import dev.pagekeep.reader.ReaderView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Line-level diff of two versions of a page's text (one line per paragraph, as {@link ParsedPage#text}
 * and {@link ReaderView.Article#text} give), with Myers' O((N+M)D) algorithm. Lines are compared after
 * whitespace normalisation; blank lines are ignored. Bounded: at most {@value #MAX_LINES} lines per side
 * are compared, and when the two differ by more than {@value #MAX_EDITS} lines the middle part is reported
 * as removed then added instead of being aligned line by line.
 */
public final class TextDiff {
  static final int MAX_LINES = 20_000;
  static final int MAX_EDITS = 2_000;

  public record Line(Op op, String text) {}

  public enum Op { SAME, ADDED, REMOVED }

  private TextDiff() {}

  /** The edit script turning {@code oldText} into {@code newText}, in reading order. */
  public static List<Line> diff(String oldText, String newText) {
    Objects.requireNonNull(oldText, "oldText");
    Objects.requireNonNull(newText, "newText");
    List<String> a = lines(oldText);
    List<String> b = lines(newText);
    int prefix = commonPrefix(a, b);
    int suffix = commonSuffix(a, b, prefix);
    List<Line> out = new ArrayList<>();
    for (int i = 0; i < prefix; i++) out.add(new Line(Op.SAME, a.get(i)));
    out.addAll(middle(a.subList(prefix, a.size() - suffix), b.subList(prefix, b.size() - suffix)));
    for (int i = a.size() - suffix; i < a.size(); i++) out.add(new Line(Op.SAME, a.get(i)));
    return out;
  }

  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String raw : text.split("\\R")) {
      if (out.size() >= MAX_LINES) break;
      String line = Documents.normalise(raw);
      if (!line.isEmpty()) out.add(line);
    }
    return out;
  }

  private static int commonPrefix(List<String> a, List<String> b) {
    int i = 0;
    while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) i++;
    return i;
  }

  private static int commonSuffix(List<String> a, List<String> b, int prefix) {
    int i = 0;
    while (i < a.size() - prefix && i < b.size() - prefix
        && a.get(a.size() - 1 - i).equals(b.get(b.size() - 1 - i))) i++;
    return i;
  }

  private static List<Line> middle(List<String> a, List<String> b) {
    List<Line> aligned = Myers.align(a, b, MAX_EDITS);
    if (aligned != null) return aligned;
    List<Line> coarse = new ArrayList<>(a.size() + b.size());
    a.forEach(line -> coarse.add(new Line(Op.REMOVED, line)));
    b.forEach(line -> coarse.add(new Line(Op.ADDED, line)));
    return coarse;
  }

  /** Myers' greedy algorithm, keeping each round's frontier for the backtrack (O(D^2) memory). */
  static final class Myers {
    private Myers() {}

    /** The alignment, or null when more than {@code maxEdits} edits are needed. */
    static List<Line> align(List<String> a, List<String> b, int maxEdits) {
      int n = a.size();
      int m = b.size();
      int max = Math.min(n + m, maxEdits);
      int offset = max + 1;
      int[] v = new int[2 * max + 3];
      List<int[]> trace = new ArrayList<>();
      for (int d = 0; d <= max; d++) {
        for (int k = -d; k <= d; k += 2) {
          boolean down = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]);
          int x = down ? v[offset + k + 1] : v[offset + k - 1] + 1;
          int y = x - k;
          while (x < n && y < m && a.get(x).equals(b.get(y))) { x++; y++; }
          v[offset + k] = x;
          if (x >= n && y >= m) {
            trace.add(Arrays.copyOfRange(v, offset - d, offset + d + 1));
            return backtrack(trace, a, b);
          }
        }
        trace.add(Arrays.copyOfRange(v, offset - d, offset + d + 1));
      }
      return null;
    }

    private static List<Line> backtrack(List<int[]> trace, List<String> a, List<String> b) {
      List<Line> out = new ArrayList<>();
      int x = a.size();
      int y = b.size();
      for (int d = trace.size() - 1; d > 0; d--) {
        int[] prev = trace.get(d - 1); // frontier after round d-1, indexed k + (d-1)
        int k = x - y;
        boolean down = k == -d || (k != d && at(prev, k - 1, d - 1) < at(prev, k + 1, d - 1));
        int prevK = down ? k + 1 : k - 1;
        int prevX = at(prev, prevK, d - 1);
        int prevY = prevX - prevK;
        while (x > prevX && y > prevY) {
          x--;
          y--;
          out.add(new Line(Op.SAME, a.get(x)));
        }
        if (down) out.add(new Line(Op.ADDED, b.get(--y)));
        else out.add(new Line(Op.REMOVED, a.get(--x)));
      }
      while (x > 0 && y > 0) {
        x--;
        y--;
        out.add(new Line(Op.SAME, a.get(x)));
      }
      Collections.reverse(out);
      return out;
    }

    private static int at(int[] frontier, int k, int d) {
      return frontier[k + d];
    }
  }
}

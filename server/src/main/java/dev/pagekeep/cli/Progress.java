package dev.pagekeep.cli;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A one-line progress bar on a terminal ({@code \r} redraws it); on a pipe it prints a line
 * every few seconds instead, so logs stay readable.
 */
final class Progress {
  private static final int WIDTH = 24;
  private final PrintStream out;
  private final boolean terminal = System.console() != null;
  private long lastPrinted;
  private int lastLength;

  Progress(PrintStream out) {
    this.out = out;
  }

  /** Shows {@code done/total} with a bar, the caller's detail, the rate since {@code startedMs} and an ETA. */
  void show(long done, long total, String detail, long startedMs) {
    long now = System.currentTimeMillis();
    if (!terminal && now - lastPrinted < 5000 && done < total) return;
    lastPrinted = now;
    double seconds = Math.max(0.001, (now - startedMs) / 1000.0);
    double rate = done / seconds;
    String line = bar(done, total) + " " + detail + " · " + String.format("%.0f/s", rate) + " · ETA " + eta(done, total, rate);
    if (terminal) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  void finish() {
    if (terminal) out.println();
  }

  static String bar(long done, long total) {
    int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, done * WIDTH / total);
    int pct = total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
    return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + String.format("%3d%%", pct);
  }

  static String eta(long done, long total, double rate) {
    if (done >= total) return "0s";
    if (rate <= 0) return "?";
    Duration d = Duration.ofSeconds((long) Math.ceil((total - done) / rate));
    if (d.toHours() > 0) return d.toHours() + "h" + d.toMinutesPart() + "m";
    if (d.toMinutes() > 0) return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    return d.getSeconds() + "s";
  }
}

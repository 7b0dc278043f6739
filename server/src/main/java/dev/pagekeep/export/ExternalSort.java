package dev.pagekeep.export;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorts the lines of a text file (UTF-8, by {@link String#compareTo}) with bounded memory: runs of at
 * most {@code maxRunChars} characters are sorted in memory and written beside the output, then merged.
 */
final class ExternalSort {
  private ExternalSort() {}

  static void sortLines(Path in, Path out, long maxRunChars) throws IOException {
    List<Path> runs = new ArrayList<>();
    try {
      try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
        List<String> run = new ArrayList<>();
        long chars = 0;
        String line;
        while ((line = r.readLine()) != null) {
          run.add(line);
          chars += line.length() + 40;
          if (chars >= maxRunChars) {
            runs.add(writeRun(run, out));
            chars = 0;
          }
        }
        if (!run.isEmpty() || runs.isEmpty()) runs.add(writeRun(run, out));
      }
      merge(runs, out);
    } finally {
      for (Path p : runs) Files.deleteIfExists(p);
    }
  }

  private static Path writeRun(List<String> run, Path next) throws IOException {
    run.sort(null);
    Path p = Files.createTempFile(next.toAbsolutePath().getParent(), ".sort", ".run");
    Files.write(p, run, StandardCharsets.UTF_8);
    run.clear();
    return p;
  }

  private record Head(String line, BufferedReader from) {}

  private static void merge(List<Path> runs, Path out) throws IOException {
    List<BufferedReader> readers = new ArrayList<>();
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.line().compareTo(b.line()));
      for (Path p : runs) {
        BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8);
        readers.add(r);
        String first = r.readLine();
        if (first != null) heads.add(new Head(first, r));
      }
      while (!heads.isEmpty()) {
        Head h = heads.poll();
        w.write(h.line());
        w.write('\n');
        String next = h.from().readLine();
        if (next != null) heads.add(new Head(next, h.from()));
      }
    } finally {
      for (BufferedReader r : readers) {
        try {
          r.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}

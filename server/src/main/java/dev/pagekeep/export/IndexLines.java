package dev.pagekeep.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The lines of an export's index page, written to a temporary file as articles go by, so none is held in memory. */
final class IndexLines implements AutoCloseable {
  private final Path file;
  private final BufferedWriter out;
  private long count;

  IndexLines() throws IOException {
    file = Files.createTempFile("pagekeep-export", ".index");
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  void add(String line) throws IOException {
    out.write(line);
    out.write('\n');
    count++;
  }

  long count() { return count; }

  /** Writes the index into the export as {@code path}: head, every line in order, tail. */
  void writeTo(ZipSink sink, String path, String head, String tail) throws IOException {
    out.flush();
    sink.put(path, head, file, tail);
  }

  @Override
  public void close() throws IOException {
    out.close();
    Files.deleteIfExists(file);
  }
}

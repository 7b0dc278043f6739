package dev.pagekeep.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Files of a site or Markdown export, streamed as one zip (entry names checked, never from URL text). */
public final class ZipSink implements AutoCloseable {
  private final ZipOutputStream zip;

  public ZipSink(OutputStream out) {
    this.zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
  }

  void put(String path, String text) throws IOException {
    put(path, text.getBytes(StandardCharsets.UTF_8));
  }

  void put(String path, byte[] bytes) throws IOException {
    entry(path);
    zip.write(bytes);
    zip.closeEntry();
  }

  /** An entry made of {@code head}, the bytes of {@code file}, then {@code tail} (an index written as it went). */
  void put(String path, String head, Path file, String tail) throws IOException {
    entry(path);
    zip.write(head.getBytes(StandardCharsets.UTF_8));
    Files.copy(file, zip);
    zip.write(tail.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  private void entry(String path) throws IOException {
    if (!ExportPaths.isSafeRelative(path)) throw new IllegalArgumentException("unsafe export path: " + path);
    zip.putNextEntry(new ZipEntry(path));
  }

  /** Finishes the zip without closing the stream under it. */
  @Override
  public void close() throws IOException {
    zip.finish();
    zip.flush();
  }
}

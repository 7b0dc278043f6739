package dev.pagekeep.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Files of a site or Markdown export, streamed as one zip (entry names checked, never from URL text). */
public final class ZipSink implements AutoCloseable {
  private final ZipOutputStream zip;

  public ZipSink(OutputStream out) {
    this.zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
  }

  void put(String path, String text) throws IOException {
    if (!ExportPaths.isSafeRelative(path)) throw new IllegalArgumentException("unsafe export path: " + path);
    zip.putNextEntry(new ZipEntry(path));
    zip.write(text.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  /** Finishes the zip without closing the stream under it. */
  @Override
  public void close() throws IOException {
    zip.finish();
    zip.flush();
  }
}

package dev.pagekeep.imports;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Reads import entries one at a time from a stream; never holds more than one entry (and a small buffer). */
public interface ImportReader extends AutoCloseable {

  /** The next entry, or null at the end. */
  ImportEntry next() throws IOException;

  /** Which format the file is in: {@code bookmarks} or {@code urls}. */
  String format();

  @Override
  void close() throws IOException;

  /** Opens the stream as a bookmarks file when its start says so, else as a URL list (UTF-8). */
  static ImportReader open(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
    buffered.mark(8192);
    byte[] head = buffered.readNBytes(4096);
    buffered.reset();
    Reader reader = new InputStreamReader(buffered, StandardCharsets.UTF_8);
    return looksLikeBookmarks(new String(head, StandardCharsets.UTF_8)) ? new BookmarksReader(reader) : new UrlListReader(reader);
  }

  static boolean looksLikeBookmarks(String head) {
    String h = head.toLowerCase(Locale.ROOT);
    return h.contains("<!doctype netscape-bookmark-file") || h.contains("<dl") && h.contains("<a ");
  }
}

package dev.pagekeep.imports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.List;

/**
 * A URL list: one URL a line; blank lines and lines starting with {@code #} are skipped, and
 * anything after the first whitespace on a line is taken as a title ({@code URL Some title}).
 * Lines are read with their cap applied while reading: a line longer than {@link #MAX_LINE}
 * characters ends the import with that reason, having held at most that much of it.
 */
final class UrlListReader implements ImportReader {
  static final int MAX_LINE = 16 * 1024;
  private final BufferedReader in;
  private final StringBuilder buf = new StringBuilder(256);
  private long line;

  UrlListReader(Reader in) {
    this.in = new BufferedReader(in, 64 * 1024);
  }

  @Override
  public ImportEntry next() throws IOException {
    String s;
    while ((s = readLine()) != null) {
      line++;
      if (line == 1 && s.startsWith("\uFEFF")) s = s.substring(1);
      String t = s.strip();
      if (t.isEmpty() || t.startsWith("#")) continue;
      int space = indexOfWhitespace(t);
      String url = space < 0 ? t : t.substring(0, space);
      String title = space < 0 ? null : t.substring(space).strip();
      return new ImportEntry(url, title == null || title.isEmpty() ? null : title, List.of(), line);
    }
    return null;
  }

  /** The next line without its terminator ("\n", "\r\n" or "\r"), or null at the end. */
  private String readLine() throws IOException {
    buf.setLength(0);
    int c;
    boolean any = false;
    while ((c = in.read()) != -1) {
      any = true;
      if (c == '\n') break;
      if (c == '\r') {
        in.mark(1);
        if (in.read() != '\n') in.reset();
        break;
      }
      if (buf.length() >= MAX_LINE) {
        throw new ImportLimitException("line " + (line + 1) + " is longer than " + MAX_LINE
            + " characters (a URL list has one URL a line)");
      }
      buf.append((char) c);
    }
    return any ? buf.toString() : null;
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
    return -1;
  }

  @Override
  public String format() { return "urls"; }

  @Override
  public void close() throws IOException { in.close(); }
}

package dev.pagekeep.imports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.List;

/**
 * A URL list: one URL a line; blank lines and lines starting with {@code #} are skipped, and
 * anything after the first whitespace on a line is taken as a title ({@code URL Some title}).
 */
final class UrlListReader implements ImportReader {
  private static final int MAX_LINE = 16 * 1024;
  private final BufferedReader in;
  private long line;

  UrlListReader(Reader in) {
    this.in = new BufferedReader(in, 64 * 1024);
  }

  @Override
  public ImportEntry next() throws IOException {
    String s;
    while ((s = in.readLine()) != null) {
      line++;
      if (line == 1 && s.startsWith("\uFEFF")) s = s.substring(1);
      String t = s.strip();
      if (t.isEmpty() || t.startsWith("#")) continue;
      if (t.length() > MAX_LINE) t = t.substring(0, MAX_LINE);
      int space = indexOfWhitespace(t);
      String url = space < 0 ? t : t.substring(0, space);
      String title = space < 0 ? null : t.substring(space).strip();
      return new ImportEntry(url, title == null || title.isEmpty() ? null : title, List.of(), line);
    }
    return null;
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

package dev.pagekeep.imports;

import dev.pagekeep.model.SaveLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;

/**
 * A Netscape bookmark file, the format Chrome, Firefox, Edge and Safari export:
 * {@code <DT><H3>Folder</H3>} opens a folder whose {@code <DL>} holds entries
 * {@code <DT><A HREF="...">Title</A>}. Read as a stream of tags, not parsed into a tree, so a
 * huge file costs only the current tag; folder names become the entry's tags.
 */
final class BookmarksReader implements ImportReader {
  /** Tags longer than this (a giant ICON data URI) are skipped up to their end, not buffered. */
  private static final int MAX_TAG = 64 * 1024;
  private static final int MAX_TEXT = 4 * 1024;
  private static final java.util.Set<String> STRUCTURE = java.util.Set.of("dl", "/dl", "dt", "a", "h3");
  private static final Pattern HREF = Pattern.compile("(?is)\\bhref\\s*=\\s*(\"([^\"]*)\"|'([^']*)'|([^\\s>]+))");

  private final BufferedReader in;
  private final Deque<String> folders = new ArrayDeque<>();
  private String pendingFolder;
  private Tag pushedBack;
  private long line = 1;

  BookmarksReader(Reader in) {
    this.in = new BufferedReader(in, 64 * 1024);
  }

  @Override
  public ImportEntry next() throws IOException {
    while (true) {
      Tag tag = nextTag();
      if (tag == null) return null;
      switch (tag.name) {
        case "h3" -> pendingFolder = cap(clean(textUntil("h3")), SaveLimits.MAX_TAG_LENGTH);
        case "dl" -> {
          folders.push(pendingFolder == null ? "" : pendingFolder);
          pendingFolder = null;
        }
        case "/dl" -> {
          if (!folders.isEmpty()) folders.pop();
        }
        case "a" -> {
          long at = line;
          String href = href(tag.raw);
          String title = clean(textUntil("a"));
          if (href != null && !href.isBlank()) {
            return new ImportEntry(href.strip(), title.isEmpty() ? null : SaveLimits.title(title), tags(), at);
          }
        }
        default -> { }
      }
    }
  }

  /**
   * The folder path of the current entry, outermost first, without the unnamed root: at most
   * {@link SaveLimits#MAX_TAGS} innermost folders, so deep nesting costs nothing per entry.
   */
  private List<String> tags() {
    List<String> innermostFirst = new ArrayList<>();
    var it = folders.iterator(); // the head is the innermost folder
    while (it.hasNext() && innermostFirst.size() < SaveLimits.MAX_TAGS) {
      String f = it.next();
      if (!f.isEmpty()) innermostFirst.add(f);
    }
    java.util.Collections.reverse(innermostFirst);
    return SaveLimits.tags(innermostFirst) == null ? List.of() : SaveLimits.tags(innermostFirst);
  }

  private record Tag(String name, String raw) {}

  /** Skips text to the next tag and returns its lower-case name ("a", "/dl") and raw text. */
  private Tag nextTag() throws IOException {
    if (pushedBack != null) {
      Tag t = pushedBack;
      pushedBack = null;
      return t;
    }
    int c;
    while ((c = read()) != -1 && c != '<') { /* text between tags */ }
    if (c == -1) return null;
    StringBuilder raw = new StringBuilder();
    char quote = 0;
    while ((c = read()) != -1) {
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        if (raw.length() > 0 && raw.indexOf("=") >= 0) quote = (char) c;
      } else if (c == '>') {
        break;
      }
      if (raw.length() < MAX_TAG) raw.append((char) c);
    }
    String r = raw.toString();
    if (r.startsWith("!--")) {
      skipComment(r);
      return new Tag("!--", "");
    }
    return new Tag(tagName(r), r);
  }

  /** "A HREF=..." -> "a", "/DL" -> "/dl", "p" -> "p". */
  static String tagName(String raw) {
    int end = raw.startsWith("/") ? 1 : 0;
    while (end < raw.length() && Character.isLetterOrDigit(raw.charAt(end))) end++;
    return raw.substring(0, end).toLowerCase(Locale.ROOT);
  }

  private void skipComment(String soFar) throws IOException {
    if (soFar.endsWith("--")) return;
    int a = 0, b = 0, c;
    while ((c = read()) != -1) {
      if (c == '>' && a == '-' && b == '-') return;
      a = b;
      b = c;
    }
  }

  /** The text up to {@code </name>}, tags inside dropped, at most a few KB kept. */
  private String textUntil(String name) throws IOException {
    StringBuilder text = new StringBuilder();
    int c;
    while ((c = read()) != -1) {
      if (c == '<') {
        StringBuilder t = new StringBuilder();
        while ((c = read()) != -1 && c != '>') if (t.length() < MAX_TAG) t.append((char) c);
        String raw = t.toString().strip();
        String tn = tagName(raw);
        if (tn.equals("/" + name)) break;
        if (STRUCTURE.contains(tn)) { // an unclosed element: the structure goes on from here
          pushedBack = new Tag(tn, raw);
          break;
        }
        continue;
      }
      if (text.length() < MAX_TEXT) text.append((char) c);
    }
    return text.toString();
  }

  private int read() throws IOException {
    int c = in.read();
    if (c == '\n') line++;
    return c;
  }

  static String href(String rawTag) {
    Matcher m = HREF.matcher(rawTag);
    if (!m.find()) return null;
    String v = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
    return Parser.unescapeEntities(v, true);
  }

  private static String cap(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String clean(String text) {
    return Parser.unescapeEntities(text, false).replaceAll("\\s+", " ").strip();
  }

  @Override
  public String format() { return "bookmarks"; }

  @Override
  public void close() throws IOException { in.close(); }
}

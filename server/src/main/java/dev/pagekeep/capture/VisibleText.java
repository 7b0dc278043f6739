package dev.pagekeep.capture;

import java.util.Set;
import java.util.function.Consumer;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The text a reader sees: one line per block (paragraph, heading, list item, cell, {@code <br>}),
 * whitespace collapsed inside lines, no blank lines, nothing from script/style/noscript/template.
 * Lines keep paragraphs apart for {@link dev.pagekeep.diff.TextDiff}; to a search index they are ordinary whitespace.
 */
public final class VisibleText implements NodeFilter {
  /** Text beyond this many characters is dropped. */
  static final int MAX_CHARS = 2_000_000;
  private static final Set<String> INVISIBLE =
      Set.of("script", "style", "noscript", "template", "head", "title", "iframe", "object", "select");

  private final StringBuilder out = new StringBuilder();
  /** Where the line being written starts in {@code out} (after its separator). */
  private int lineStart;
  /** Whether the line being written has a character yet (its separator is written with the first). */
  private boolean lineOpen;
  /** Whitespace seen after the line's last character: one space if more follows. */
  private boolean space;
  private char[] buf = new char[1024];

  private VisibleText() {}

  public static String of(Element root) {
    VisibleText v = new VisibleText();
    NodeTraversor.filter(v, root);
    return v.result();
  }

  /**
   * The visible text of {@code doc}'s body, in the same walk that shows {@code everyElement} every
   * element of the document in document order (head, hidden subtrees and all), so that capture
   * walks a page's tree once for its text and its requisites.
   */
  public static String of(Document doc, Consumer<Element> everyElement) {
    VisibleText v = new VisibleText();
    Element body = doc.body();
    NodeTraversor.traverse(new NodeVisitor() {
      private boolean inBody;
      private int hidden; // invisible elements open around this node

      @Override
      public void head(Node node, int depth) {
        if (node instanceof Element el) {
          everyElement.accept(el);
          if (el == body) inBody = true;
          if (INVISIBLE.contains(el.normalName())) hidden++;
          else if (inBody && hidden == 0 && v.out.length() < MAX_CHARS) v.head(el, depth);
        } else if (inBody && hidden == 0 && node instanceof TextNode && v.out.length() < MAX_CHARS) {
          v.head(node, depth);
        }
      }

      @Override
      public void tail(Node node, int depth) {
        if (!(node instanceof Element el)) return;
        if (INVISIBLE.contains(el.normalName())) hidden--;
        else if (inBody && hidden == 0) v.tail(el, depth);
        if (el == body) inBody = false;
      }
    }, doc);
    return v.result();
  }

  private String result() {
    endLine();
    return out.length() <= MAX_CHARS ? out.toString() : out.substring(0, MAX_CHARS);
  }

  @Override
  public FilterResult head(Node node, int depth) {
    if (out.length() >= MAX_CHARS) return FilterResult.STOP;
    if (node instanceof TextNode text) {
      append(text.getWholeText());
    } else if (node instanceof Element el) {
      if (INVISIBLE.contains(el.normalName())) return FilterResult.SKIP_ENTIRELY;
      if (breaksLine(el)) endLine();
    }
    return FilterResult.CONTINUE;
  }

  @Override
  public FilterResult tail(Node node, int depth) {
    if (node instanceof Element el && breaksLine(el)) endLine();
    return FilterResult.CONTINUE;
  }

  private static boolean breaksLine(Element el) {
    return el.isBlock() || el.normalName().equals("br") || el.normalName().equals("td") || el.normalName().equals("th");
  }

  /**
   * Writes text into the current line with whitespace collapsed as it goes: one pass over a char
   * array, straight into the output (a line buffer, its copy and a String per line were a tenth of
   * capture's CPU on text-heavy pages).
   */
  private void append(String text) {
    int n = text.length();
    if (buf.length < n) buf = new char[Math.max(n, buf.length * 2)];
    text.getChars(0, n, buf, 0);
    for (int i = 0; i < n; i++) {
      char c = buf[i];
      if (Documents.isSpace(c)) {
        space = lineOpen;
        continue;
      }
      if (!lineOpen) {
        if (out.length() > 0) out.append('\n');
        lineStart = out.length();
        lineOpen = true;
      } else if (space) {
        out.append(' ');
      }
      space = false;
      out.append(c);
    }
  }

  /**
   * Ends the line: trimmed as {@link String#strip} trims (other Unicode whitespace at its ends too),
   * and taken back with its separator when nothing is left of it.
   */
  private void endLine() {
    if (!lineOpen) return;
    lineOpen = false;
    space = false;
    int end = out.length();
    while (end > lineStart && Character.isWhitespace(out.charAt(end - 1))) end--;
    int start = lineStart;
    while (start < end && Character.isWhitespace(out.charAt(start))) start++;
    if (start == end) {
      out.setLength(lineStart == 0 ? 0 : lineStart - 1);
      return;
    }
    out.setLength(end);
    if (start > lineStart) out.delete(lineStart, start);
  }
}

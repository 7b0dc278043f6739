package dev.pagekeep.capture;

import java.util.Set;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

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
  private final StringBuilder line = new StringBuilder();
  private char[] buf = new char[1024];

  private VisibleText() {}

  public static String of(Element root) {
    VisibleText v = new VisibleText();
    NodeTraversor.filter(v, root);
    v.endLine();
    return v.out.toString();
  }

  @Override
  public FilterResult head(Node node, int depth) {
    if (out.length() >= MAX_CHARS) return FilterResult.STOP;
    if (node instanceof TextNode text) {
      line.append(text.getWholeText());
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

  private void endLine() {
    if (line.length() == 0) return;
    int n = line.length();
    if (buf.length < n) buf = new char[Math.max(n, buf.length * 2)];
    line.getChars(0, n, buf, 0);
    line.setLength(0);
    String normalised = Documents.normalise(buf, n);
    if (normalised.isEmpty()) return;
    if (out.length() > 0) out.append('\n');
    out.append(normalised, 0, Math.min(normalised.length(), MAX_CHARS - Math.min(out.length(), MAX_CHARS)));
  }
}

package dev.pagekeep.capture;

import java.util.Objects;
import net.dankito.readability4j.Readability4J;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.safety.Safelist;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Reader view of a page (Mozilla Readability through Readability4J): the article without navigation,
 * ads and clutter. Readability is slow on pathological trees, so very deep or huge documents get a
 * plain fallback (title and visible text) instead; so does any failure inside the library.
 */
public final class ReaderView {
  /** Deeper documents skip Readability: its cost grows with depth times size. */
  static final int MAX_DEPTH = 100;
  /** Longer input is cut before parsing. */
  static final int MAX_HTML_CHARS = 5_000_000;

  /**
   * @param contentHtml sanitized article HTML (relaxed safelist: no script, style or event handler;
   *                    URLs made absolute, they still point at the live web)
   * @param text        the article text, one line per paragraph
   */
  public record Article(String title, String byline, String contentHtml, String text) {}

  private ReaderView() {}

  /** Extracts the article of an already decoded page; {@code url} resolves its relative URLs. */
  public static Article extract(String html, String url) {
    Objects.requireNonNull(html, "html");
    Objects.requireNonNull(url, "url");
    String input = html.length() > MAX_HTML_CHARS ? html.substring(0, MAX_HTML_CHARS) : html;
    Document doc = Jsoup.parse(input, url);
    doc.outputSettings().prettyPrint(false); // jsoup's pretty printer is slow on the deep trees Readability makes
    String title = Documents.title(doc);
    if (maxDepth(doc) > MAX_DEPTH) return fallback(doc, title);
    try {
      return article(new Readability4J(url, doc).parse(), title, url);
    } catch (RuntimeException e) {
      return fallback(Jsoup.parse(input, url), title); // the library failed on odd input; plain text still serves
    }
  }

  private static Article article(net.dankito.readability4j.Article a, String pageTitle, String url) {
    String content = a.getContent() == null ? "" : clean(a.getContent(), url);
    String title = a.getTitle() == null || a.getTitle().isBlank() ? pageTitle : Documents.normalise(a.getTitle());
    String byline = a.getByline() == null ? "" : Documents.normalise(a.getByline());
    return new Article(title, byline, content, VisibleText.of(Jsoup.parseBodyFragment(content).body()));
  }

  private static Article fallback(Document doc, String title) {
    String text = VisibleText.of(doc.body());
    StringBuilder html = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) html.append("<p>").append(Entities.escape(line)).append("</p>\n");
    }
    return new Article(title, "", html.toString(), text);
  }

  private static String clean(String html, String url) {
    Document.OutputSettings settings = new Document.OutputSettings().prettyPrint(false);
    return Jsoup.clean(html, url, Safelist.relaxed(), settings);
  }

  private static int maxDepth(Document doc) {
    int[] max = {0};
    Element body = doc.body();
    NodeTraversor.traverse((NodeVisitor) (node, depth) -> max[0] = Math.max(max[0], depth), body);
    return max[0];
  }
}

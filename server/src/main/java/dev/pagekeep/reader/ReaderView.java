package dev.pagekeep.reader;

import dev.pagekeep.capture.Documents;
import dev.pagekeep.capture.VisibleText;
import java.util.Objects;
import net.dankito.readability4j.Readability4J;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.safety.Safelist;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Reader view of a page (Mozilla Readability through Readability4J): the article without navigation,
 * ads and clutter. Readability is slow on pathological trees, so very deep or huge documents get a
 * plain fallback (title and visible text) instead; so does any failure inside the library.
 */
public final class ReaderView {
  // Parsed once: jsoup parses a string query on every select() call.
  private static final Evaluator A_HREF = QueryParser.parse("a[href]");
  private static final Evaluator IMG_SVG_PICTURE_VIDEO = QueryParser.parse("img, svg, picture, video");
  private static final Evaluator H1_H2 = QueryParser.parse("h1, h2");

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

  /** What permalink anchors say: Sphinx's pilcrow, section signs, hashes and link symbols. */
  private static final java.util.Set<String> PERMALINK_TEXTS = java.util.Set.of("", "\u00b6", "\u00a7", "#", "\ud83d\udd17",
      "\u2693", "\u2693\ufe0e", "\u2693\ufe0f", "link", "permalink", "anchor");

  /**
   * Tidies an article for reading under a heading that already shows {@code title}: drops permalink
   * anchors (Sphinx's {@code ¶}, GitHub's and MkDocs' heading links: a link to a fragment whose
   * text is a mark or nothing) and the article's own first heading when it repeats the title.
   *
   * @return the title to show: the article's heading when the title is that heading and a site name
   *         ("Intro \u2014 Project docs" gives "Intro"), else {@code title}
   */
  public static String tidy(Element article, String title) {
    for (Element a : article.select(A_HREF)) {
      String text = Documents.normalise(a.text()).toLowerCase(java.util.Locale.ROOT);
      String href = a.attr("href");
      boolean toFragment = href.startsWith("#") || href.contains("#");
      boolean hasContent = !a.select(IMG_SVG_PICTURE_VIDEO).isEmpty();
      if (toFragment && !hasContent && PERMALINK_TEXTS.contains(text)) a.remove();
    }
    Element first = article.selectFirst(H1_H2);
    if (first != null && title != null) {
      String heading = comparable(first.text());
      String t = comparable(title);
      // The same text, or the text and a site name after a separator ("Intro \u2014 Project docs").
      if (!heading.isEmpty() && (t.equals(heading) || t.matches(java.util.regex.Pattern.quote(heading) + " ?[\u2014\u2013|:\u00b7-] .*"))) {
        String shown = Documents.normalise(first.text()).replaceAll("[\\s\u00b6\u00a7#]+$", "");
        first.remove();
        return shown;
      }
    }
    return title;
  }

  private static String comparable(String s) {
    return Documents.normalise(s).toLowerCase(java.util.Locale.ROOT).replaceAll("[\\s\u00b6\u00a7#]+$", "").strip();
  }

  private static int maxDepth(Document doc) {
    int[] max = {0};
    Element body = doc.body();
    NodeTraversor.traverse((NodeVisitor) (node, depth) -> max[0] = Math.max(max[0], depth), body);
    return max[0];
  }
}

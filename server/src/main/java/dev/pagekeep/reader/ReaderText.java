package dev.pagekeep.reader;

import dev.pagekeep.media.Charsets;
import dev.pagekeep.media.MediaTypes;
import dev.pagekeep.model.Capture;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Safelist;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * The reader view of a snapshot ({@link ReaderView}: readability's main content, sanitized), less
 * its images (the export opens from disk and never reaches the live web). Plain text pages become
 * a {@code <pre>}; other types get a one-line note.
 */
public final class ReaderText {
  // Parsed once: jsoup parses a string query on every select() call.
  private static final Evaluator SRC = QueryParser.parse("[src]");
  private static final Evaluator HREF = QueryParser.parse("[href]");

  /** @param html safe article HTML; @param element the same as a jsoup tree (for Markdown) */
  public record Extract(String title, String html, Element element) {}

  private static final Safelist SAFE = Safelist.relaxed().removeTags("img").addTags("figure", "figcaption", "hr");
  /** The same with images (their absolute http(s) sources), for exports that write the images beside the text. */
  private static final Safelist SAFE_WITH_IMAGES = Safelist.relaxed().addTags("figure", "figcaption", "hr");

  private ReaderText() {}

  public static Extract of(Capture c, byte[] body) {
    return of(c, body, false);
  }

  /** With {@code images}, the article keeps its {@code <img>} elements (absolute http(s) sources only). */
  public static Extract of(Capture c, byte[] body, boolean images) {
    String type = MediaTypes.essence(c.contentType());
    String fallbackTitle = c.title() == null || c.title().isBlank() ? c.url() : c.title();
    if (type.equals("text/html") || type.equals("application/xhtml+xml") || type.isEmpty()) {
      String html = new String(body, Charsets.detect(body, c.contentType())); // header, BOM or meta
      ReaderView.Article a = article(html, c.finalUrl() == null ? c.url() : c.finalUrl());
      // Already sanitized by ReaderView; images go unless asked for: they would point at the live web.
      Element content = Jsoup.parseBodyFragment(Jsoup.clean(a.contentHtml(), images ? SAFE_WITH_IMAGES : SAFE)).body();
      String title = a.title() == null || a.title().isBlank() ? fallbackTitle : a.title();
      return new Extract(title, content.html(), content);
    }
    Element div = new Element("div");
    if (type.startsWith("text/")) {
      div.appendElement("pre").text(new String(body, charset(c.contentType())));
    } else {
      div.appendElement("p").text("(" + (type.isEmpty() ? "unknown type" : type) + ", " + body.length + " bytes: no reader view)");
    }
    return new Extract(fallbackTitle, div.html(), div);
  }

  /**
   * {@link ReaderView#extract} on a page whose links and sources were made absolute first:
   * Readability resolves relative ones without the port ("http://host:8080/a.png" became
   * "http://host/a.png").
   */
  public static ReaderView.Article article(String html, String baseUrl) {
    org.jsoup.nodes.Document doc = Jsoup.parse(html, baseUrl);
    for (Element e : doc.select(SRC)) e.attr("src", e.absUrl("src"));
    for (Element e : doc.select(HREF)) e.attr("href", e.absUrl("href"));
    return ReaderView.extract(doc.outerHtml(), baseUrl);
  }

  private static Charset charset(String contentType) {
    Charset named = Charsets.fromContentType(contentType);
    return named == null ? StandardCharsets.UTF_8 : named; // unknown or none: UTF-8
  }
}

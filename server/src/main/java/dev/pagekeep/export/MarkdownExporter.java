package dev.pagekeep.export;

import com.vladsch.flexmark.html2md.converter.FlexmarkHtmlConverter;
import com.vladsch.flexmark.util.data.MutableDataSet;
import dev.pagekeep.capture.Requisite;
import dev.pagekeep.model.Capture;
import dev.pagekeep.reader.ReaderText;
import dev.pagekeep.store.ArchiveStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Markdown per article, in the seed cache's format: {@code <year>/<urlKey>/index.md} starting
 * with {@code title:}, {@code url:} and {@code hash_url:} lines, a blank line, then the reader
 * text as Markdown; plus {@code index.md} listing every article newest first.
 *
 * <p>The Markdown is written by flexmark's HTML-to-Markdown converter (over jsoup): code is kept
 * verbatim (inline code in as many backticks as it needs, {@code <pre>} in a fence longer than any
 * it holds), lists nest, tables stay GFM tables. Images become Markdown images of files written
 * beside the text ({@code files/<digest>.png}, the archived bytes); an image that was not archived
 * becomes a link to its address. Streamed like {@link SiteExporter}.
 */
public final class MarkdownExporter {
  // Parsed once: jsoup parses a string query on every select() call.
  private static final Evaluator TABLE = QueryParser.parse("table");
  private static final Evaluator PRE_CODE = QueryParser.parse("pre > code");
  private static final Evaluator A_HREF = QueryParser.parse("a[href]");
  private static final Evaluator IMG_SRC = QueryParser.parse("img[src]");
  private static final Evaluator TH = QueryParser.parse("th");
  private static final Evaluator TR = QueryParser.parse("tr");
  private static final Evaluator CHILD_TD = QueryParser.parse("> td");
  private static final Evaluator IMG = QueryParser.parse("img");

  private static final FlexmarkHtmlConverter CONVERTER = FlexmarkHtmlConverter.builder(new MutableDataSet()
      .set(FlexmarkHtmlConverter.SETEXT_HEADINGS, false)
      .set(FlexmarkHtmlConverter.TYPOGRAPHIC_QUOTES, false)
      .set(FlexmarkHtmlConverter.TYPOGRAPHIC_SMARTS, false)
      .set(FlexmarkHtmlConverter.OUTPUT_ATTRIBUTES_ID, false)
      .set(FlexmarkHtmlConverter.OUTPUT_UNKNOWN_TAGS, false)
      .set(FlexmarkHtmlConverter.RENDER_COMMENTS, false)
      .set(FlexmarkHtmlConverter.MAX_BLANK_LINES, 1)).build();

  private final ArchiveStore store;

  public MarkdownExporter(ArchiveStore store) {
    this.store = store;
  }

  public long write(ZipSink sink) throws IOException {
    return write(sink, ExportProgress.none());
  }

  /** Writes every article into {@code sink}, counting each in {@code progress}. Returns the number of articles. */
  public long write(ZipSink sink, ExportProgress progress) throws IOException {
    try (IndexLines index = new IndexLines()) {
      try {
        Articles.eachArticle(store, c -> {
          byte[] body = store.blob(c.digest()).orElse(null);
          if (body == null) return;
          String dir = ExportPaths.articleDir(c);
          try {
            ReaderText.Extract a = ReaderText.of(c, body, true);
            localImages(a.element(), new PageFiles(store, c, sink, dir));
            sink.put(dir + "/index.md", article(c, a));
            index.add("- [" + escapeInline(oneLine(a.title())) + "](" + dir + "/index.md) <" + c.url().replace(">", "%3E") + "> "
                + SiteExporter.day(c));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          progress.page();
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      index.writeTo(sink, "index.md", "# pagekeep archive\n\n", "");
      return index.count();
    }
  }

  /** The seed's header, one field a line (newlines in a title would break it: flattened), then the article. */
  static String article(Capture c, ReaderText.Extract a) {
    return "title: " + oneLine(a.title()) + "\nurl: " + oneLine(c.url()) + "\nhash_url: " + c.hashUrl() + "\n\n"
        + toMarkdown(a.element()).strip() + "\n";
  }

  /** Article HTML (a sanitized jsoup tree) as Markdown. The tree is changed: tables get a header row, link targets are escaped. */
  static String toMarkdown(Element article) {
    for (Element table : article.select(TABLE)) headerRow(table);
    // <pre><code> (the reader view drops the language class) as a fence, not as indented code
    for (Element code : article.select(PRE_CODE)) if (code.parent().childrenSize() == 1) code.unwrap();
    for (Element a : article.select(A_HREF)) a.attr("href", a.attr("href").replace(" ", "%20").replace("(", "%28").replace(")", "%29"));
    for (Element img : article.select(IMG_SRC)) img.attr("src", img.attr("src").replace(" ", "%20").replace("(", "%28").replace(")", "%29"));
    return CONVERTER.convert(article.outerHtml());
  }

  /** A GFM table needs a header row: a table without one takes its first row as the header. */
  private static void headerRow(Element table) {
    if (!table.select(TH).isEmpty()) return;
    Element first = table.selectFirst(TR);
    if (first == null) return;
    for (Element td : first.select(CHILD_TD)) td.tagName("th");
  }

  /** Each image's archived copy written beside the Markdown; an image that was not archived becomes a link to it. */
  private static void localImages(Element article, PageFiles files) {
    for (Element img : article.select(IMG)) {
      String src = img.absUrl("src").isEmpty() ? img.attr("src") : img.absUrl("src");
      img.removeAttr("srcset");
      String name = src.startsWith("http://") || src.startsWith("https://") ? files.file(src, Requisite.Kind.IMAGE) : null;
      if (name != null) {
        img.attr("src", PageFiles.DIR + "/" + name);
      } else if (src.startsWith("http://") || src.startsWith("https://")) {
        String alt = img.attr("alt").isBlank() ? "image" : img.attr("alt");
        img.replaceWith(new Element("a").attr("href", src).text(alt));
      } else {
        img.remove();
      }
    }
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }

  /** Escapes what Markdown would read as markup in running text. */
  static String escapeInline(String s) {
    return s.replaceAll("([\\\\`*_\\[\\]<>#|])", "\\\\$1");
  }
}

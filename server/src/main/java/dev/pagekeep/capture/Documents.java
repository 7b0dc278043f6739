package dev.pagekeep.capture;

import dev.pagekeep.media.Charsets;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.parser.Parser;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/** Decoding and parsing shared by capture and replay. jsoup caps tree depth, so deep input stays cheap. */
public final class Documents {
  // Parsed once: jsoup parses a string query on every select() call.
  private static final Evaluator BASE_HREF = QueryParser.parse("base[href]");
  private static final Evaluator NOSCRIPT = QueryParser.parse("noscript");
  private static final Evaluator TITLE = QueryParser.parse("title");
  private static final Evaluator META_PROPERTY_OG_TITLE_CONTENT = QueryParser.parse("meta[property=og:title][content]");
  private static final Evaluator H1 = QueryParser.parse("h1");

  private static final int BINARY_PROBE = 1024;

  /** A parsed page: the document, the charset it was decoded with, and its effective base URL. */
  public record Parsed(Document doc, Charset charset, String baseUrl) {}

  private Documents() {}

  public static Parsed parse(byte[] body, String contentType, String pageUrl) {
    Charset charset = Charsets.detect(body, contentType);
    String html = looksBinary(body, charset) ? "" : Charsets.decode(body, charset);
    // indexOf is vectorised; replace() scans char by char even when there is nothing to replace.
    if (html.indexOf('\0') >= 0) html = html.replace('\0', '\uFFFD');
    Document doc = Jsoup.parse(html, pageUrl);
    doc.outputSettings().prettyPrint(false).charset(StandardCharsets.UTF_8);
    parseNoscriptText(doc, pageUrl);
    return new Parsed(doc, charset, baseUrl(doc, pageUrl));
  }

  /** The first {@code <base href>} resolved against the page URL when it is http(s), else the page URL. */
  static String baseUrl(Document doc, String pageUrl) {
    Element base = doc.selectFirst(BASE_HREF);
    if (base == null) return pageUrl;
    String abs = Urls.resolve(pageUrl, base.attr("href"));
    return abs != null && Urls.isHttp(abs) ? abs : pageUrl;
  }

  /**
   * jsoup keeps some {@code <noscript>} content (in head) as raw text, as a scripting browser does.
   * Replay runs no script and shows that content, and capture must fetch what it needs, so both parse
   * it as markup.
   */
  private static void parseNoscriptText(Document doc, String pageUrl) {
    for (Element noscript : doc.select(NOSCRIPT)) {
      if (!noscript.children().isEmpty()) continue;
      String raw = noscript.wholeText().isEmpty() ? noscript.data() : noscript.wholeText();
      if (raw.indexOf('<') < 0) continue;
      List<Node> nodes = Parser.parseFragment(raw, doc.body(), pageUrl);
      noscript.empty();
      noscript.appendChildren(nodes);
    }
  }

  /** NUL bytes near the start mean an image, archive or other binary, unless the text is UTF-16. */
  static boolean looksBinary(byte[] body, Charset charset) {
    if (charset.name().startsWith("UTF-16")) return false;
    for (int i = 0; i < Math.min(body.length, BINARY_PROBE); i++) {
      if (body[i] == 0) return true;
    }
    return false;
  }

  /** {@code <title>}, else og:title, else the first h1; whitespace-normalised, "" when none. */
  public static String title(Document doc) {
    Element title = doc.head().selectFirst(TITLE);
    if (title != null && !title.text().isBlank()) return cap(normalise(title.text()));
    Element og = doc.selectFirst(META_PROPERTY_OG_TITLE_CONTENT);
    if (og != null && !og.attr("content").isBlank()) return cap(normalise(og.attr("content")));
    Element h1 = doc.body().selectFirst(H1);
    return h1 == null ? "" : cap(normalise(h1.text()));
  }

  /** Collapses runs of ASCII whitespace and NBSP to one space, then strips. */
  public static String normalise(String s) {
    char[] buf = new char[s.length()];
    s.getChars(0, buf.length, buf, 0);
    return normalise(buf, buf.length);
  }

  /**
   * {@link #normalise(String)} of {@code buf[0..n)}, compacting in place: a loop over a char
   * array, because per-character String and StringBuilder calls made this a fifth of all
   * capture CPU on text-heavy pages (and a regex before them 10%).
   */
  public static String normalise(char[] buf, int n) {
    int len = 0;
    boolean space = false;
    for (int i = 0; i < n; i++) {
      char c = buf[i];
      if (isSpace(c)) {
        space = len > 0;
      } else {
        if (space) {
          buf[len++] = ' ';
          space = false;
        }
        buf[len++] = c;
      }
    }
    return new String(buf, 0, len).strip();
  }

  /** The whitespace {@link #normalise} collapses: HTML's, with the no-break space. */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r' || c == '\u00a0';
  }

  private static String cap(String s) {
    return s.length() <= 1000 ? s : s.substring(0, 1000);
  }
}

package dev.pagekeep.replay;

import dev.pagekeep.capture.CssCapture;
import dev.pagekeep.capture.Documents;
import dev.pagekeep.capture.UrlRewriter;
import dev.pagekeep.media.Charsets;
import dev.pagekeep.media.CssCharset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Replay-time rewriting of archived bytes, Wayback-style: the stored original is turned into a sealed
 * page (no script, no plugin, no self-navigation, no form that posts out) whose requisites and links
 * point into the archive. Archived pages are untrusted; this is one of two walls, the other being the
 * Content-Security-Policy the replay endpoint sends.
 */
public final class ReplayRewriter {
  // Parsed once: jsoup parses a string query on every select() call.
  private static final Evaluator META_CHARSET = QueryParser.parse("meta[charset]");

  /** Parse-check rounds before a page that keeps changing under its own re-parse is given up on. */
  static final int MAX_ROUNDS = 4;

  private ReplayRewriter() {}

  /**
   * The page as sanitized, rewritten HTML, always UTF-8 with one {@code <meta charset="utf-8">} first
   * in head. Never throws on bad input (binary or empty bodies give an empty page).
   *
   * <p>What leaves is checked as the browser will see it: the output is parsed again and held to
   * {@link ReplayPolicy} until a parse and a serialisation give it back unchanged (a page whose parse
   * moves elements around, as mutation XSS does, is checked in its new shape). A page that never
   * settles is replaced by its text.
   *
   * @param contentType the stored Content-Type, or null
   * @param pageUrl     the URL the page was captured from
   */
  public static String rewriteHtml(byte[] body, String contentType, String pageUrl, UrlRewriter rewriter) {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(pageUrl, "pageUrl");
    Objects.requireNonNull(rewriter, "rewriter");
    Documents.Parsed parsed = Documents.parse(body, contentType, pageUrl);
    Document doc = parsed.doc();
    ReplaySanitizer.sanitize(doc, parsed.baseUrl());
    ReplayLinks.rewrite(doc, parsed.baseUrl(), rewriter);
    declareUtf8(doc);
    ReplayPolicy.enforce(doc, rewriter);
    String out = doc.outerHtml();
    for (int round = 1; round < MAX_ROUNDS; round++) {
      Document again = Jsoup.parse(out, "");
      again.outputSettings().prettyPrint(false).charset(StandardCharsets.UTF_8);
      int changes = ReplayPolicy.enforce(again, rewriter);
      String next = again.outerHtml();
      if (changes == 0 && next.equals(out)) return out;
      out = next;
    }
    return textOnly(doc);
  }

  /** The page's text alone, escaped: what is left of a page whose markup never settles. */
  private static String textOnly(Document doc) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"></head><body><pre style=\"white-space:pre-wrap\">"
        + Entities.escape(doc.body() == null ? doc.text() : doc.body().wholeText()) + "</pre></body></html>";
  }

  /**
   * A stylesheet with every {@code @import} and {@code url()} sent through {@link UrlRewriter#resource},
   * decoded by its Content-Type charset, BOM or {@code @charset} (else UTF-8), returned as a string to be
   * served as UTF-8 (any {@code @charset} rule is dropped so it cannot contradict that).
   */
  public static String rewriteCss(byte[] body, String contentType, String cssUrl, UrlRewriter rewriter) {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(cssUrl, "cssUrl");
    Objects.requireNonNull(rewriter, "rewriter");
    String css = Charsets.decode(body, CssCharset.detect(body, contentType));
    return CssCapture.rewrite(CssCharset.dropCharsetRule(css), cssUrl, rewriter);
  }

  /**
   * An SVG made inert: no script, no event handler, no javascript: link, no reference outside the
   * document (hrefs, CSS url()s and @imports), no foreignObject; output UTF-8. Input that is not SVG
   * gives an empty SVG.
   */
  public static byte[] sanitizeSvg(byte[] svg) {
    Objects.requireNonNull(svg, "svg");
    return SvgSanitizer.sanitize(svg).getBytes(StandardCharsets.UTF_8);
  }

  private static void declareUtf8(Document doc) {
    Element head = doc.head();
    head.select(META_CHARSET).remove();
    head.prependElement("meta").attr("charset", "utf-8");
  }
}

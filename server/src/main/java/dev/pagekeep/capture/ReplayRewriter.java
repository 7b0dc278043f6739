package dev.pagekeep.capture;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Replay-time rewriting of archived bytes, Wayback-style: the stored original is turned into a sealed
 * page (no script, no plugin, no self-navigation, no form that posts out) whose requisites and links
 * point into the archive. Archived pages are untrusted; this is one of two walls, the other being the
 * Content-Security-Policy the replay endpoint sends.
 */
public final class ReplayRewriter {
  private ReplayRewriter() {}

  /**
   * The page as sanitized, rewritten HTML, always UTF-8 with one {@code <meta charset="utf-8">} first
   * in head. Never throws on bad input (binary or empty bodies give an empty page).
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
    return doc.outerHtml();
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
    head.select("meta[charset]").remove();
    head.prependElement("meta").attr("charset", "utf-8");
  }
}

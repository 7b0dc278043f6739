package dev.pagekeep.capture;

import java.nio.charset.StandardCharsets;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** Interim minimal version; replaced by the capture branch. */
public final class ReplayRewriter {
  private ReplayRewriter() {}

  public static String rewriteHtml(byte[] body, String contentType, String pageUrl, UrlRewriter rewriter) {
    Document doc = Jsoup.parse(new String(body, StandardCharsets.UTF_8), pageUrl);
    doc.select("script").remove();
    for (Element e : doc.select("link[href]")) e.attr("href", rewriter.resource(e.absUrl("href")));
    for (Element e : doc.select("img[src]")) e.attr("src", rewriter.resource(e.absUrl("src")));
    return doc.outerHtml();
  }

  public static String rewriteCss(byte[] body, String contentType, String cssUrl, UrlRewriter rewriter) {
    return new String(body, StandardCharsets.UTF_8);
  }

  public static byte[] sanitizeSvg(byte[] svg) { return svg; }
}

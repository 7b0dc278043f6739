package dev.pagekeep.capture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** Interim minimal version; replaced by the capture branch. */
public final class HtmlCapture {
  private HtmlCapture() {}

  public static ParsedPage parse(byte[] body, String contentType, String pageUrl) {
    Document doc = Jsoup.parse(new String(body, StandardCharsets.UTF_8), pageUrl);
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    List<Requisite> reqs = new ArrayList<>();
    for (Element e : doc.select("link[rel~=(?i)stylesheet][href]")) add(reqs, seen, e.absUrl("href"), Requisite.Kind.STYLESHEET);
    for (Element e : doc.select("img[src]")) add(reqs, seen, e.absUrl("src"), Requisite.Kind.IMAGE);
    List<String> links = new ArrayList<>();
    for (Element a : doc.select("a[href]")) if (a.absUrl("href").startsWith("http")) links.add(a.absUrl("href"));
    return new ParsedPage(doc.title(), doc.body() == null ? "" : doc.body().text(), "UTF-8", pageUrl, reqs, links);
  }

  private static void add(List<Requisite> reqs, LinkedHashSet<String> seen, String url, Requisite.Kind kind) {
    if (url.startsWith("http") && seen.add(url)) reqs.add(new Requisite(url, kind));
  }
}

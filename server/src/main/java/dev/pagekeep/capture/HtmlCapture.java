package dev.pagekeep.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/** Capture-time analysis of an HTML page: what to fetch with it, its text, title and links. */
public final class HtmlCapture {
  // Parsed once: jsoup parses a string query on every select() call.
  private static final Evaluator A_HREF_AREA_HREF = QueryParser.parse("a[href], area[href]");

  /** At most this many requisites per page: enough for real pages, a bound for hostile ones. */
  public static final int MAX_REQUISITES = 500;
  /** At most this many links per page. */
  public static final int MAX_LINKS = 5_000;

  private HtmlCapture() {}

  /**
   * Parses the original bytes of a page. Never throws on bad input: binary or empty bodies give a page
   * with no text, requisites or links.
   *
   * @param contentType the Content-Type header value, or null
   * @param pageUrl     the absolute URL the page was fetched from (after redirects)
   */
  public static ParsedPage parse(byte[] body, String contentType, String pageUrl) {
    return parse(body, contentType, pageUrl, true);
  }

  /**
   * As {@link #parse(byte[], String, String)}; without {@code withLinks} the page's links are not
   * collected ({@link ParsedPage#links()} is empty): capture fetches requisites, not links, and
   * resolving every {@code <a href>} of a link-heavy page was a large part of its CPU.
   */
  public static ParsedPage parse(byte[] body, String contentType, String pageUrl, boolean withLinks) {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(pageUrl, "pageUrl");
    Documents.Parsed parsed = Documents.parse(body, contentType, pageUrl);
    Document doc = parsed.doc();
    // One walk of the tree for the text and the requisites.
    Map<String, Requisite> found = new LinkedHashMap<>();
    String text = VisibleText.of(doc, el -> requisitesOf(el, parsed.baseUrl(), found));
    return new ParsedPage(Documents.title(doc), text, parsed.charset().name(),
        parsed.baseUrl(), new ArrayList<>(found.values()), withLinks ? links(doc, parsed.baseUrl()) : List.of());
  }

  /** Adds the requisites one element names (its URL attributes, its inline and {@code <style>} CSS). */
  private static void requisitesOf(Element el, String baseUrl, Map<String, Requisite> found) {
    if (found.size() >= MAX_REQUISITES) return;
    for (ResourceSlots.Slot slot : ResourceSlots.of(el)) addSlot(slot, baseUrl, found);
    if (el.hasAttr("style")) CssCapture.collect(el.attr("style"), baseUrl, found, MAX_REQUISITES);
    if (el.normalName().equals("style")) CssCapture.collect(styleText(el), baseUrl, found, MAX_REQUISITES);
  }

  public static String styleText(Element style) {
    StringBuilder sb = new StringBuilder();
    for (DataNode data : style.dataNodes()) sb.append(data.getWholeData());
    return sb.length() > 0 ? sb.toString() : style.text();
  }

  private static void addSlot(ResourceSlots.Slot slot, String baseUrl, Map<String, Requisite> found) {
    List<String> urls = slot.srcset()
        ? Srcset.parse(slot.value()).stream().map(Srcset.Candidate::url).toList()
        : List.of(slot.value());
    for (String url : urls) {
      String abs = Urls.resolveHttp(baseUrl, url);
      if (abs != null && found.size() < MAX_REQUISITES) found.putIfAbsent(abs, new Requisite(abs, slot.kind()));
    }
  }

  static List<String> links(Document doc, String baseUrl) {
    Set<String> links = new LinkedHashSet<>();
    for (Element a : doc.select(A_HREF_AREA_HREF)) {
      if (links.size() >= MAX_LINKS) break;
      String href = a.attr("href").strip();
      if (href.startsWith("#")) continue;
      String abs = Urls.resolveHttp(baseUrl, href);
      if (abs != null) links.add(abs);
    }
    return new ArrayList<>(links);
  }
}

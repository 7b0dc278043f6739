package dev.pagekeep.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.io.SyndFeedInput;
import dev.pagekeep.capture.HtmlCapture;
import dev.pagekeep.capture.ParsedPage;
import dev.pagekeep.media.MediaTypes;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.xml.sax.InputSource;

/**
 * Reads what a watch fetched: RSS 0.9x/1.0/2.0 and Atom through ROME (DOCTYPEs refused, so no
 * entity expansion and no external entity is ever read), JSON Feed 1.x with Jackson, and an HTML
 * page as its list of links. Pure: bytes in, a {@link Feed} or a {@link FeedException} out.
 */
public final class Feeds {
  // Parsed once: jsoup parses a string query on every select() call.
  private static final Evaluator A_HREF_AREA_HREF = QueryParser.parse("a[href], area[href]");

  /** Entries read from one feed; a feed with more keeps its first ones (feeds list newest first). */
  public static final int MAX_ENTRIES = 1_000;
  /** Outbound links taken from one entry's content. */
  public static final int MAX_LINKS_PER_ENTRY = 500;

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private Feeds() {}

  /**
   * Reads a body by what it is (sniffed first, then the media type).
   *
   * @param url the URL it came from after redirects, for relative links
   */
  public static Feed read(byte[] body, String contentType, String url) throws FeedException {
    String type = MediaTypes.essence(contentType);
    String head = start(body);
    if (head.isEmpty()) throw new FeedException("empty answer: neither a feed nor a page");
    if (head.startsWith("{") || type.equals("application/feed+json") || type.equals("application/json")) {
      return json(body, url);
    }
    String lower = head.toLowerCase(Locale.ROOT);
    boolean html = lower.startsWith("<!doctype html") || lower.startsWith("<html")
        || (type.equals("text/html") || type.equals("application/xhtml+xml")) && !looksLikeFeed(lower);
    if (html) return page(body, contentType, url);
    if (head.startsWith("<")) return xml(body, url);
    throw new FeedException("not a feed or an HTML page (content type " + (type.isEmpty() ? "none" : type) + ")");
  }

  private static boolean looksLikeFeed(String lowerHead) {
    return lowerHead.startsWith("<?xml") || lowerHead.startsWith("<rss") || lowerHead.startsWith("<feed")
        || lowerHead.startsWith("<rdf");
  }

  static Feed xml(byte[] body, String url) throws FeedException {
    SyndFeedInput input = new SyndFeedInput();
    input.setAllowDoctypes(false); // no DTD: no billion laughs, no external entities
    input.setXmlHealerOn(false);
    SyndFeed feed;
    try {
      feed = input.build(new InputSource(new ByteArrayInputStream(body)));
    } catch (com.rometools.rome.io.FeedException | IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("DOCTYPE")) throw new FeedException("refused: the feed declares a DOCTYPE (entities are not expanded)");
      throw new FeedException("not a valid feed: " + m);
    } catch (RuntimeException e) {
      throw new FeedException("not a valid feed: " + e);
    }
    String kind = kindOf(feed.getFeedType());
    List<Feed.Entry> entries = new ArrayList<>();
    for (SyndEntry e : feed.getEntries()) {
      if (entries.size() >= MAX_ENTRIES) break;
      String link = absolute(url, e.getLink());
      if (link == null && e.getLinks() != null && !e.getLinks().isEmpty()) link = absolute(url, e.getLinks().get(0).getHref());
      // ROME gives an entry without guid or id its raw link as URI: key it by the resolved link then.
      String uri = e.getUri() == null ? "" : e.getUri().strip();
      String key = !uri.isEmpty() && !uri.equals(e.getLink() == null ? null : e.getLink().strip()) ? uri : link;
      StringBuilder content = new StringBuilder();
      if (e.getContents() != null) for (SyndContent c : e.getContents()) if (c.getValue() != null) content.append(c.getValue()).append('\n');
      if (e.getDescription() != null && e.getDescription().getValue() != null) content.append(e.getDescription().getValue());
      if (key != null) entries.add(new Feed.Entry(key, link, e.getTitle(), content.toString()));
    }
    return new Feed(kind, feed.getTitle(), entries);
  }

  private static String kindOf(String feedType) {
    if (feedType == null) return "rss";
    if (feedType.startsWith("atom")) return "atom";
    if (feedType.equals("rss_1.0") || feedType.startsWith("rss_0.9")) return feedType.equals("rss_1.0") ? "rdf" : "rss";
    return "rss";
  }

  /** JSON Feed 1.0/1.1 (https://www.jsonfeed.org/version/1.1/): {@code items[]} with {@code id}, {@code url}, {@code content_html}. */
  static Feed json(byte[] body, String url) throws FeedException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new FeedException("not a valid JSON Feed: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new FeedException("not a valid JSON Feed: " + e.getMessage());
    }
    if (root == null || !root.isObject()) throw new FeedException("not a valid JSON Feed: not a JSON object");
    String version = root.path("version").asText("");
    if (!version.startsWith("https://jsonfeed.org/version/")) {
      throw new FeedException("not a JSON Feed: no \"version\": \"https://jsonfeed.org/version/1.1\"");
    }
    JsonNode items = root.path("items");
    if (!items.isArray()) throw new FeedException("not a valid JSON Feed: \"items\" is not a list");
    List<Feed.Entry> entries = new ArrayList<>();
    for (JsonNode item : items) {
      if (entries.size() >= MAX_ENTRIES) break;
      if (!item.isObject()) continue;
      String link = absolute(url, text(item, "url"));
      if (link == null) link = absolute(url, text(item, "external_url"));
      String id = text(item, "id");
      String key = id != null ? id : link;
      String content = text(item, "content_html");
      if (content == null && text(item, "content_text") != null) content = "";
      if (text(item, "summary") != null) content = (content == null ? "" : content + "\n") + escape(text(item, "summary"));
      if (key != null) entries.add(new Feed.Entry(key, link, text(item, "title"), content == null ? "" : content));
    }
    return new Feed("json", text(root, "title"), entries);
  }

  /** An HTML page: each link on it is an entry (the page's own address and fragments left out). */
  static Feed page(byte[] body, String contentType, String url) {
    ParsedPage parsed = HtmlCapture.parse(body, contentType, url);
    List<Feed.Entry> entries = new ArrayList<>();
    for (String link : parsed.links()) {
      if (entries.size() >= MAX_ENTRIES) break;
      entries.add(new Feed.Entry(link, link, null, ""));
    }
    return new Feed("page", parsed.title(), entries);
  }

  /** The absolute http(s) targets of the links in an entry's content, without fragments, first ones first. */
  public static List<String> links(String contentHtml, String baseUrl) {
    if (contentHtml == null || contentHtml.isBlank()) return List.of();
    Document doc = Jsoup.parseBodyFragment(contentHtml, baseUrl == null ? "" : baseUrl);
    Set<String> out = new LinkedHashSet<>();
    for (Element a : doc.select(A_HREF_AREA_HREF)) {
      if (out.size() >= MAX_LINKS_PER_ENTRY) break;
      String abs = a.absUrl("href");
      if (abs.isEmpty()) continue;
      String lower = abs.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) continue;
      int hash = abs.indexOf('#');
      out.add(hash < 0 ? abs : abs.substring(0, hash));
    }
    return List.copyOf(out);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText().strip() : null;
  }

  private static String absolute(String base, String link) {
    if (link == null || link.isBlank()) return null;
    try {
      java.net.URI resolved = base == null ? new java.net.URI(link.strip()) : new java.net.URI(base).resolve(link.strip());
      String scheme = resolved.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) return null;
      String s = resolved.toString();
      int hash = s.indexOf('#');
      return hash < 0 ? s : s.substring(0, hash);
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String escape(String text) {
    return org.jsoup.nodes.Entities.escape(text);
  }

  /** The first characters of the body, BOM and leading white space skipped. */
  private static String start(byte[] body) {
    int i = 0;
    if (body.length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF) i = 3;
    while (i < body.length && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) i++;
    return new String(body, i, Math.min(body.length - i, 64), StandardCharsets.ISO_8859_1);
  }
}

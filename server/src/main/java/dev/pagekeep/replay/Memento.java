package dev.pagekeep.replay;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Memento (RFC 7089) for pagekeep: every archived response is a memento (URI-M
 * {@code /web/{ts}{mod}/{url}}) of its original resource (URI-R, the archived URL); {@code /web/{url}}
 * is the TimeGate (URI-G) and {@code /timemap/link/{url}} the TimeMap (URI-T). All links are absolute,
 * under the origin the request came to, as in the RFC's examples.
 *
 * <p>The mementos of a URL are its page snapshots under every key the address was saved with
 * (http/https, host case...), oldest first. A requisite asked for as a resource ({@code im_},
 * {@code cs_}...) is a memento too, but its neighbours are not listed (only pages are).
 */
public final class Memento {
  /** The media type of a TimeMap in link format (RFC 6690). */
  public static final String LINK_FORMAT = "application/link-format";

  /** HTTP-date, IMF-fixdate form (RFC 7231 7.1.1.1): {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
      .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private final ArchiveStore store;

  public Memento(ArchiveStore store) {
    this.store = store;
  }

  /** A Wayback timestamp as an HTTP-date. */
  public static String httpDate(String timestamp) {
    return HTTP_DATE.format(Timestamps.parse(Timestamps.pad(timestamp)));
  }

  /**
   * Reads an {@code Accept-Datetime} value (an HTTP-date, RFC 7089 2.1.1) as a Wayback timestamp.
   *
   * @throws IllegalArgumentException with a one-line reason when it is not an HTTP-date
   */
  public static String acceptDatetime(String value) {
    String v = value == null ? "" : value.strip();
    try {
      Instant t = Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(v));
      if (!v.endsWith(" GMT")) throw new DateTimeParseException("not GMT", v, 0);
      if (t.isBefore(Instant.parse("1000-01-01T00:00:00Z")) || t.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
        throw new DateTimeParseException("out of range", v, 0);
      }
      return Timestamps.format(t);
    } catch (DateTimeParseException e) {
      String shown = v.length() > 60 ? v.substring(0, 60) + "..." : v;
      throw new IllegalArgumentException("Accept-Datetime must be an HTTP date like 'Sun, 06 Nov 1994 08:49:37 GMT', not '"
          + shown.replaceAll("[\\p{Cntrl}]", "?") + "'");
    }
  }

  /** The page snapshots of {@code url} under every key it was saved with, oldest first. */
  public List<Capture> mementos(String url) {
    List<String> keys = new ArrayList<>();
    keys.add(UrlKeys.urlKey(url));
    for (String k : store.keysForUrl(url)) if (!keys.contains(k)) keys.add(k);
    List<Capture> all = new ArrayList<>();
    for (String k : keys) all.addAll(store.versions(k));
    all.sort(Comparator.comparing(Capture::timestamp));
    return all;
  }

  /**
   * The headers of a memento: {@code Memento-Datetime} and a {@code Link} with the original, the
   * TimeGate, the TimeMap and, for a page, the first, last, previous and next mementos (in the role
   * {@code role} asked for).
   */
  public Map<String, String> mementoHeaders(String origin, Capture c, WaybackUrl.Modifier role) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Memento-Datetime", httpDate(c.timestamp()));
    List<String> links = new ArrayList<>(baseLinks(origin, c.url()));
    if (c.isPage()) {
      List<Capture> all = mementos(c.url());
      int at = -1;
      for (int i = 0; i < all.size(); i++) if (all.get(i).id().equals(c.id())) at = i;
      if (at >= 0) links.addAll(neighbours(origin, all, at, role));
    }
    h.put("Link", String.join(", ", links));
    return h;
  }

  /** The headers of a TimeGate's answer (RFC 7089 4.1.1): {@code Vary} and a {@code Link} to the original and the TimeMap. */
  public static Map<String, String> timeGateHeaders(String origin, String url) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Vary", "accept-datetime");
    h.put("Link", link(url, "original") + ", " + timeMapLink(origin, url, null));
    return h;
  }

  /** The TimeMap of {@code url} in link format (RFC 7089 5.1.1), or null when nothing of it is archived. */
  public String timeMap(String origin, String url) {
    List<Capture> all = mementos(url);
    if (all.isEmpty()) return null;
    StringBuilder out = new StringBuilder();
    out.append(link(url, "original")).append(",\n");
    out.append(timeMapLink(origin, url, all)).append(",\n");
    out.append(link(origin + WaybackUrl.newest(url).path(), "timegate"));
    for (int i = 0; i < all.size(); i++) {
      String rel = all.size() == 1 ? "first last memento" : i == 0 ? "first memento" : i == all.size() - 1 ? "last memento" : "memento";
      out.append(",\n").append(mementoLink(origin, all.get(i), rel, WaybackUrl.Modifier.NONE));
    }
    return out.append('\n').toString();
  }

  private static List<String> baseLinks(String origin, String url) {
    return List.of(link(url, "original"), link(origin + WaybackUrl.newest(url).path(), "timegate"),
        timeMapLink(origin, url, null));
  }

  /** First, previous, next and last, each URI once with all its relations (RFC 7089 4.1.1 example). */
  private static List<String> neighbours(String origin, List<Capture> all, int at, WaybackUrl.Modifier role) {
    TreeMap<Integer, List<String>> rels = new TreeMap<>();
    rels.computeIfAbsent(0, k -> new ArrayList<>()).add("first");
    if (at > 0) rels.computeIfAbsent(at - 1, k -> new ArrayList<>()).add("prev");
    if (at < all.size() - 1) rels.computeIfAbsent(at + 1, k -> new ArrayList<>()).add("next");
    rels.computeIfAbsent(all.size() - 1, k -> new ArrayList<>()).add("last");
    List<String> out = new ArrayList<>();
    rels.forEach((i, r) -> out.add(mementoLink(origin, all.get(i), String.join(" ", r) + " memento", role)));
    return out;
  }

  private static String mementoLink(String origin, Capture c, String rel, WaybackUrl.Modifier role) {
    String uri = origin + new WaybackUrl(c.timestamp(), role, c.url()).path();
    return link(uri, rel) + "; datetime=\"" + httpDate(c.timestamp()) + "\"";
  }

  private static String timeMapLink(String origin, String url, List<Capture> all) {
    String s = "<" + uriRef(origin + "/timemap/link/" + url) + ">; rel=\"" + (all == null ? "timemap" : "self")
        + "\"; type=\"" + LINK_FORMAT + "\"";
    if (all != null) {
      s += "; from=\"" + httpDate(all.get(0).timestamp()) + "\"; until=\"" + httpDate(all.get(all.size() - 1).timestamp()) + "\"";
    }
    return s;
  }

  private static String link(String uri, String rel) {
    return "<" + uriRef(uri) + ">; rel=\"" + rel + "\"";
  }

  /** A URI as a Link target: ASCII only, and nothing that would end or split the field ({@code <>" }, controls). */
  static String uriRef(String uri) {
    StringBuilder b = new StringBuilder(uri.length());
    uri.codePoints().forEach(cp -> {
      if (cp > 0x20 && cp < 0x7f && cp != '<' && cp != '>' && cp != '"') {
        b.append((char) cp);
      } else {
        for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) b.append(String.format("%%%02X", x & 0xff));
      }
    });
    return b.toString();
  }
}

package dev.pagekeep.replay;

import dev.pagekeep.capture.ResourceSlots;
import dev.pagekeep.capture.Urls;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Removes from a page everything that could run code, navigate by itself or reach the network on its
 * own. Works on the parsed document in place; URL rewriting is {@link ReplayLinks}' job.
 */
final class ReplaySanitizer {
  // Parsed once: jsoup parses a string query on every select() call.
  private static final Evaluator SCRIPT_APPLET_BASE_META_CHARSET_PARAM = QueryParser.parse("script, applet, base, meta[charset], param");
  private static final Evaluator IMG_SOURCE_IFRAME_VIDEO = QueryParser.parse("img, source, iframe, video");
  private static final Evaluator NOSCRIPT = QueryParser.parse("noscript");
  private static final Evaluator IMG = QueryParser.parse("img");
  private static final Evaluator META_HTTP_EQUIV = QueryParser.parse("meta[http-equiv]");
  private static final Evaluator LINK_REL = QueryParser.parse("link[rel]");
  private static final Evaluator EMBED_OBJECT = QueryParser.parse("embed, object");
  private static final Evaluator SET_ANIMATE = QueryParser.parse("set, animate");
  private static final Evaluator FORM = QueryParser.parse("form");

  /** Forms post nowhere: submitting one navigates to this inert, non-network address. */
  static final String FORM_ACTION = "about:blank";

  private static final Set<String> DROPPED_ATTRIBUTES =
      Set.of("integrity", "nonce", "crossorigin", "ping", "srcdoc", "formaction", "manifest", "xml:base");
  private static final Set<String> HINT_RELS = Set.of("preload", "prefetch", "preconnect", "dns-prefetch",
      "modulepreload", "manifest", "prerender", "import", "serviceworker");
  private static final Set<String> DROPPED_HTTP_EQUIV =
      Set.of("refresh", "set-cookie", "content-security-policy", "content-type");

  private ReplaySanitizer() {}

  /** Sanitizes in place; {@code baseUrl} is the page's effective base, as {@code <base>} is removed here. */
  static void sanitize(Document doc, String baseUrl) {
    Set<String> promoted = promoteLazyAttributes(doc, baseUrl);
    unwrapNoscript(doc, promoted, baseUrl);
    doc.select(SCRIPT_APPLET_BASE_META_CHARSET_PARAM).remove();
    removeMetaDirectives(doc);
    removeHintLinks(doc);
    removePluginObjects(doc);
    removeSvgHrefAnimations(doc);
    for (Element el : doc.getAllElements()) stripAttributes(el);
    disableForms(doc, baseUrl);
  }

  /**
   * Copies lazy-loading attributes onto the real ones so images show without the lazy loader's script;
   * returns the promoted values so that duplicate {@code <noscript>} fallbacks can be dropped. The
   * lazysizes marker class becomes its "loaded" class, which such pages' CSS shows.
   */
  static Set<String> promoteLazyAttributes(Document doc, String baseUrl) {
    Set<String> promoted = new HashSet<>();
    for (Element el : doc.select(IMG_SOURCE_IFRAME_VIDEO)) {
      for (String[] lazy : ResourceSlots.LAZY) {
        String value = el.attr(lazy[0]);
        if (value.isBlank()) continue;
        el.attr(lazy[1], value).removeAttr(lazy[0]);
        promoted.add(String.valueOf(Urls.resolve(baseUrl, value)));
      }
      if (el.hasClass("lazyload")) el.removeClass("lazyload").addClass("lazyloaded");
    }
    return promoted;
  }

  /**
   * A replayed page runs no script, so it should look as it does with scripting off: the content of
   * {@code <noscript>} is kept (unwrapped), except a fallback that only repeats images already promoted
   * from lazy attributes, which would otherwise show twice.
   */
  private static void unwrapNoscript(Document doc, Set<String> promoted, String baseUrl) {
    for (Element noscript : doc.select(NOSCRIPT)) {
      if (noscript.parent() == null) continue; // removed with an outer noscript
      if (onlyRepeatsImages(noscript, promoted, baseUrl)) noscript.remove();
      else noscript.unwrap();
    }
  }

  private static boolean onlyRepeatsImages(Element noscript, Set<String> promoted, String baseUrl) {
    List<Element> images = noscript.select(IMG);
    return !images.isEmpty() && noscript.text().isBlank()
        && images.stream().allMatch(img -> promoted.contains(String.valueOf(Urls.resolve(baseUrl, img.attr("src")))));
  }

  private static void removeMetaDirectives(Document doc) {
    for (Element meta : doc.select(META_HTTP_EQUIV)) {
      if (DROPPED_HTTP_EQUIV.contains(meta.attr("http-equiv").strip().toLowerCase(Locale.ROOT))) meta.remove();
    }
  }

  private static void removeHintLinks(Document doc) {
    for (Element link : doc.select(LINK_REL)) {
      if (ResourceSlots.rels(link).stream().anyMatch(HINT_RELS::contains)) link.remove();
    }
  }

  /**
   * Plugins can run code: {@code <embed>} goes, {@code <object>} shows its fallback. A raster image in
   * either becomes an {@code <img>}, since the replay's CSP blocks every object ({@code object-src 'none'}).
   */
  private static void removePluginObjects(Document doc) {
    for (Element el : doc.select(EMBED_OBJECT)) {
      if (el.parent() == null) continue;
      if (isRasterImage(el)) el.replaceWith(asImage(el));
      else if (el.normalName().equals("embed")) el.remove();
      else el.unwrap();
    }
  }

  private static Element asImage(Element el) {
    boolean object = el.normalName().equals("object");
    Element img = new Element("img").attr("src", el.attr(object ? "data" : "src"));
    for (String keep : new String[] {"id", "class", "style", "width", "height", "title"}) {
      if (el.hasAttr(keep)) img.attr(keep, el.attr(keep));
    }
    String alt = object ? el.text().strip() : el.attr("alt");
    return img.attr("alt", alt);
  }

  /** Raster images only: an SVG document in an object or embed can carry script. */
  private static boolean isRasterImage(Element el) {
    String type = el.attr("type").strip().toLowerCase(Locale.ROOT);
    String url = el.attr(el.normalName().equals("object") ? "data" : "src").toLowerCase(Locale.ROOT);
    return type.startsWith("image/") ? !type.contains("svg") : url.matches("(?s)[^?#]*\\.(png|gif|jpe?g|webp|avif)([?#].*)?");
  }

  /** SVG {@code <set>}/{@code <animate>} can write a javascript: URL into an href. */
  private static void removeSvgHrefAnimations(Document doc) {
    for (Element el : doc.select(SET_ANIMATE)) {
      String target = el.attr("attributeName").strip().toLowerCase(Locale.ROOT);
      if (target.endsWith("href")) el.remove();
    }
  }

  private static void stripAttributes(Element el) {
    for (Attribute attr : el.attributes().asList()) {
      String key = attr.getKey().toLowerCase(Locale.ROOT);
      if (SvgSanitizer.localName(key).startsWith("on") || DROPPED_ATTRIBUTES.contains(key) || Urls.isDangerous(attr.getValue())) {
        el.removeAttr(attr.getKey());
      }
    }
  }

  /**
   * No form may send anything: the action becomes inert (the original is kept for reference). Controls
   * stay as drawn (a {@code disabled} control is drawn greyed); submitting is stopped by the replay's
   * CSP ({@code form-action 'none'}) and by the sandbox of the replay frame, which lacks allow-forms.
   */
  private static void disableForms(Document doc, String baseUrl) {
    for (Element form : doc.select(FORM)) {
      String original = Urls.resolve(baseUrl, form.attr("action"));
      form.attr("data-pagekeep-action", original == null ? "" : original)
          .attr("action", FORM_ACTION).attr("method", "get").removeAttr("target");
    }
  }
}

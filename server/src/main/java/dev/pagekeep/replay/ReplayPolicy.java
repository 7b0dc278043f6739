package dev.pagekeep.replay;

import dev.pagekeep.capture.CssCapture;
import dev.pagekeep.capture.ResourceSlots;
import dev.pagekeep.capture.Srcset;
import dev.pagekeep.capture.UrlRewriter;
import dev.pagekeep.capture.Urls;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.CDataNode;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.nodes.XmlDeclaration;

/**
 * What a replayed page may hold, enforced over a parse of the page as it will be sent: an allow-list in
 * the style of jsoup's {@code Safelist}/{@code Cleaner}, which keeps what it knows rather than removing
 * what it fears. It runs after {@link ReplaySanitizer} and {@link ReplayLinks} and again over the
 * re-parsed output (see {@link ReplayRewriter#rewriteHtml}), so that what a browser parses is what was
 * checked:
 *
 * <ul>
 *   <li>elements: HTML, SVG and MathML names from the specs, each only where its namespace may sit (an
 *       SVG element under {@code <svg>}, an HTML one under an integration point, never a MathML-only
 *       name such as {@code mglyph} as HTML); unknown HTML elements are unwrapped (custom elements
 *       stay), unknown SVG and MathML ones removed with their content; no comments, no CDATA;
 *   <li>text the browser might read as markup cannot hold a tag: {@code <style>} content has no
 *       {@code <} before a letter, {@code /}, {@code !} or {@code ?} (serialised text and attributes are
 *       escaped by jsoup), so a raw-text element parsed as markup by the browser (or the reverse) yields
 *       no element that was not checked here;
 *   <li>every URL-bearing attribute of the HTML and SVG specs, on any element in any namespace, points
 *       into the archive ({@link UrlRewriter#inArchive}), into the document ({@code #id}) or at passive
 *       {@code data:}; a link leaving the archive opens a new tab on a click; CSS {@code url()},
 *       {@code image-set()} and {@code @import} in {@code style} attributes, {@code <style>} and SVG
 *       presentation attributes likewise; anything else is dropped;
 *   <li>nothing moves a window by itself: no {@code <base>}, no {@code <meta http-equiv>}, no
 *       {@code target} but the ones pagekeep sets on links, forms go nowhere.
 * </ul>
 */
final class ReplayPolicy {
  static final String HTML = "http://www.w3.org/1999/xhtml";
  static final String SVG = ResourceSlots.SVG_NAMESPACE;
  static final String MATHML = "http://www.w3.org/1998/Math/MathML";

  static final Set<String> HTML_ELEMENTS = Set.of(
      "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "basefont", "bdi", "bdo", "big",
      "blink", "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup",
      "data", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "fieldset",
      "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
      "header", "hgroup", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link",
      "listing", "main", "map", "mark", "marquee", "menu", "meta", "meter", "nav", "nobr", "ol", "optgroup", "option",
      "output", "p", "picture", "pre", "progress", "q", "rb", "rp", "rt", "rtc", "ruby", "s", "samp", "search", "section",
      "select", "selectedcontent", "slot", "small", "source", "spacer", "span", "strike", "strong", "style", "sub",
      "summary", "sup", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr",
      "track", "tt", "u", "ul", "var", "video", "wbr", "xmp", "svg", "math");
  /** HTML elements that go with their content: code, plugins, base, and content a browser would not show. */
  static final Set<String> HTML_REMOVED = Set.of("script", "base", "object", "embed", "applet", "param", "noembed",
      "noframes", "portal", "fencedframe", "isindex", "keygen", "menuitem", "plaintext");
  static final Set<String> SVG_ELEMENTS = Set.of(
      "svg", "a", "altglyph", "altglyphdef", "altglyphitem", "animate", "animatecolor", "animatemotion",
      "animatetransform", "circle", "clippath", "defs", "desc", "ellipse", "feblend", "fecolormatrix",
      "fecomponenttransfer", "fecomposite", "feconvolvematrix", "fediffuselighting", "fedisplacementmap",
      "fedistantlight", "fedropshadow", "feflood", "fefunca", "fefuncb", "fefuncg", "fefuncr", "fegaussianblur",
      "feimage", "femerge", "femergenode", "femorphology", "feoffset", "fepointlight", "fespecularlighting",
      "fespotlight", "fetile", "feturbulence", "filter", "font", "foreignobject", "g", "glyph", "glyphref", "hkern",
      "image", "line", "lineargradient", "marker", "mask", "metadata", "mpath", "path", "pattern", "polygon",
      "polyline", "radialgradient", "rect", "set", "stop", "style", "switch", "symbol", "text", "textpath", "title",
      "tref", "tspan", "use", "view", "vkern");
  static final Set<String> MATHML_ELEMENTS = Set.of(
      "math", "menclose", "merror", "mfenced", "mfrac", "mglyph", "mi", "mlabeledtr", "mmultiscripts", "mn", "mo",
      "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub",
      "msup", "msubsup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics", "annotation",
      "malignmark");
  /** Where HTML may sit inside SVG and MathML (the parser's integration points). */
  private static final Set<String> SVG_HTML_POINTS = Set.of("foreignobject", "desc", "title");
  private static final Set<String> MATHML_TEXT_POINTS = Set.of("mi", "mo", "mn", "ms", "mtext");
  /** Custom element names reserved by SVG and MathML (HTML spec, "valid custom element name"). */
  private static final Set<String> RESERVED_CUSTOM = Set.of("annotation-xml", "color-profile", "font-face",
      "font-face-src", "font-face-uri", "font-face-format", "font-face-name", "missing-glyph");

  /** URL attributes that nothing in a replay needs: dropped wherever they appear. */
  static final Set<String> DROPPED_URL_ATTRIBUTES = Set.of("ping", "longdesc", "lowsrc", "dynsrc", "attributionsrc",
      "imagesrcset", "codebase", "classid", "archive", "profile", "icon", "manifest", "srcdoc", "formaction",
      "formtarget", "xml:base", "integrity", "nonce", "action-target", "itemref-url", "policy", "src-set");
  /** Attributes whose value is text for people, never CSS: not scanned for url(). */
  private static final Set<String> TEXT_ATTRIBUTES = Set.of("alt", "title", "placeholder", "value", "label",
      "content", "summary", "abbr", "aria-label", "aria-description", "aria-roledescription", "aria-valuetext",
      "data-pagekeep-action", "cite");
  private static final Set<String> LINK_SCHEMES = Set.of("mailto:", "tel:", "sms:");

  private final UrlRewriter rewriter;
  private int changes;

  private ReplayPolicy(UrlRewriter rewriter) {
    this.rewriter = rewriter;
  }

  /**
   * Brings {@code root}'s subtree within the policy, in place; returns how many things it had to
   * remove or change (0: the document was already within it).
   */
  static int enforce(Element root, UrlRewriter rewriter) {
    ReplayPolicy p = new ReplayPolicy(rewriter);
    p.attributes(root);
    p.children(root);
    return p.changes;
  }

  private void children(Element parent) {
    int i = 0;
    while (i < parent.childNodeSize()) {
      Node n = parent.childNode(i);
      if (n instanceof Comment || n instanceof XmlDeclaration) {
        n.remove();
        changes++;
      } else if (n instanceof CDataNode cdata) { // raw "<![CDATA[...]]>" out; a browser outside SVG reads a comment
        cdata.replaceWith(new TextNode(cdata.text()));
        changes++;
        i++;
      } else if (n instanceof DataNode data) {
        data(parent, data);
        i++;
      } else if (n instanceof Element el) {
        switch (verdict(el)) {
          case REMOVE -> {
            el.remove();
            changes++;
          }
          case UNWRAP -> {
            el.unwrap(); // its children now sit at i and are checked in their new place
            changes++;
          }
          case KEEP -> {
            attributes(el);
            children(el);
            i++;
          }
        }
      } else {
        i++;
      }
    }
  }

  private enum Verdict { KEEP, UNWRAP, REMOVE }

  private static Verdict verdict(Element el) {
    String ns = el.tag().namespace();
    String name = el.normalName();
    Element parent = el.parent();
    String parentNs = parent == null ? HTML : parent.tag().namespace();
    String parentName = parent == null ? "" : parent.normalName();
    switch (ns) {
      case HTML -> {
        if (HTML_REMOVED.contains(name)) return Verdict.REMOVE;
        if (parentNs.equals(SVG) && !SVG_HTML_POINTS.contains(parentName)) return Verdict.REMOVE;
        if (parentNs.equals(MATHML) && !MATHML_TEXT_POINTS.contains(parentName)) return Verdict.REMOVE;
        if (name.equals("meta") && el.hasAttr("http-equiv")) return Verdict.REMOVE;
        if (HTML_ELEMENTS.contains(name)) return Verdict.KEEP;
        // A MathML or SVG name as an HTML element is how mutation XSS starts (mglyph under mtext)
        if (MATHML_ELEMENTS.contains(name) || SVG_ELEMENTS.contains(name) || name.indexOf(':') >= 0) return Verdict.REMOVE;
        return isCustomElementName(name) ? Verdict.KEEP : Verdict.UNWRAP;
      }
      case SVG -> {
        boolean placed = parentNs.equals(SVG) || (parentNs.equals(HTML) && name.equals("svg"));
        return placed && SVG_ELEMENTS.contains(name) && !isHrefAnimation(el) ? Verdict.KEEP : Verdict.REMOVE;
      }
      case MATHML -> {
        boolean placed = parentNs.equals(MATHML) || (parentNs.equals(HTML) && name.equals("math"));
        return placed && MATHML_ELEMENTS.contains(name) ? Verdict.KEEP : Verdict.REMOVE;
      }
      default -> {
        return Verdict.REMOVE;
      }
    }
  }

  /** SVG {@code <set>}/{@code <animate>} that would write an href or a target. */
  static boolean isHrefAnimation(Element el) {
    if (!el.normalName().startsWith("set") && !el.normalName().startsWith("animate")) return false;
    String target = SvgSanitizer.localName(el.attr("attributeName").strip().toLowerCase(Locale.ROOT));
    return target.endsWith("href") || target.equals("target") || target.equals("src");
  }

  /** The HTML spec's valid custom element name, roughly: lower-case, starts with a letter, has a hyphen. */
  static boolean isCustomElementName(String name) {
    if (name.indexOf('-') < 0 || RESERVED_CUSTOM.contains(name) || name.isEmpty()) return false;
    if (name.charAt(0) < 'a' || name.charAt(0) > 'z') return false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c > 0x7f)) return false;
    }
    return true;
  }

  private void data(Element parent, DataNode data) {
    String css = data.getWholeData();
    String safe = inertText(parent.normalName().equals("style") ? archivedCss(css) : css);
    if (!safe.equals(css)) {
      data.setWholeData(safe);
      changes++;
    }
  }

  /**
   * Text that no HTML tokenizer reads as a tag: CSS's {@code <!--} and {@code -->} (ignored by CSS)
   * go, and a space follows any other {@code <} that a letter, '/', '!' or '?' follows.
   */
  static String inertText(String s) {
    if (s.indexOf('<') < 0) return s;
    String t = s.replace("<!--", "").replace("-->", "");
    StringBuilder sb = new StringBuilder(t.length() + 16);
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      sb.append(c);
      if (c == '<' && i + 1 < t.length()) {
        char n = t.charAt(i + 1);
        if (Character.isLetter(n) || n == '/' || n == '!' || n == '?') sb.append(' ');
      }
    }
    return sb.toString();
  }

  private void attributes(Element el) {
    String name = el.normalName();
    for (Attribute attr : List.copyOf(el.attributes().asList())) {
      String key = attr.getKey().toLowerCase(Locale.ROOT);
      String local = SvgSanitizer.localName(key);
      String value = attr.getValue();
      String kept = keep(el, name, key, local, value);
      if (kept == null) {
        el.removeAttr(attr.getKey());
        changes++;
      } else if (!kept.equals(value)) {
        el.attr(attr.getKey(), kept);
        changes++;
      }
    }
    if ((name.equals("iframe") || name.equals("frame")) && !el.hasAttr("src") && el.tag().namespace().equals(HTML)) {
      el.attr("src", "about:blank");
    }
    if ((name.equals("a") || name.equals("area")) && "_blank".equals(el.attr("target"))
        && !"noopener noreferrer".equals(el.attr("rel"))) { // a new tab gets no handle on this window
      el.attr("rel", "noopener noreferrer");
      changes++;
    }
    if (name.equals("form")) {
      if (!ReplaySanitizer.FORM_ACTION.equals(el.attr("action"))) {
        el.attr("action", ReplaySanitizer.FORM_ACTION);
        changes++;
      }
    }
  }

  static boolean isTextAttribute(String key) {
    return TEXT_ATTRIBUTES.contains(key) || key.startsWith("data-") || key.startsWith("aria-") || key.startsWith("on");
  }

  /** The value an attribute may keep (possibly rewritten), or null when it must go. */
  private String keep(Element el, String name, String key, String local, String value) {
    if (local.startsWith("on") || DROPPED_URL_ATTRIBUTES.contains(key) || key.startsWith("xmlns:")) return null;
    if (Urls.isDangerous(value) && !TEXT_ATTRIBUTES.contains(key)) return null;
    switch (key) {
      case "href", "xlink:href" -> {
        if (name.equals("a") || name.equals("area")) return navigation(el, value);
        if (name.equals("link")) return inArchive(value) ? value : null;
        return internal(value) || inArchive(value) || passiveData(value) ? value : null;
      }
      case "src" -> {
        if (inArchive(value) || value.strip().equals("about:blank")) return value;
        boolean frame = name.equals("iframe") || name.equals("frame");
        return !frame && passiveData(value) ? value : null;
      }
      case "srcset" -> {
        for (Srcset.Candidate c : Srcset.parse(value)) if (!inArchive(c.url()) && !passiveData(c.url())) return null;
        return value;
      }
      case "poster", "background", "data" -> {
        return inArchive(value) || passiveData(value) ? value : null;
      }
      case "action" -> {
        return name.equals("form") ? ReplaySanitizer.FORM_ACTION : null;
      }
      case "target" -> {
        return allowedTarget(el, name, value) ? value : null;
      }
      case "usemap" -> {
        return internal(value) ? value : null;
      }
      case "style" -> {
        return archivedCss(value);
      }
      case "http-equiv" -> {
        return null;
      }
      default -> {
        if (TEXT_ATTRIBUTES.contains(key) || key.startsWith("data-") || key.startsWith("aria-")) return value;
        // SVG presentation attributes (fill, stroke, mask, filter, clip-path, marker-*, cursor) and
        // animation values hold CSS url()s; any attribute with a '(' is read as CSS, whatever its element.
        return value.indexOf('(') < 0 ? value : archivedCss(value);
      }
    }
  }

  /**
   * A link: into the archive (to the top window, or a new tab when the page asked for one), within the
   * document, mailto:/tel:/sms:, or out of the archive into a new tab only (a click, never by itself).
   */
  private String navigation(Element el, String value) {
    String v = value.strip();
    if (v.isEmpty() || internal(v) || inArchive(v)) return value;
    String p = Urls.prefix(v);
    for (String scheme : LINK_SCHEMES) if (p.startsWith(scheme)) return value;
    boolean live = Urls.isHttp(v) && !Urls.hasCredentials(v) && "_blank".equals(el.attr("target"));
    return live ? value : null;
  }

  private boolean allowedTarget(Element el, String name, String value) {
    if (!name.equals("a") && !name.equals("area")) return false;
    String href = el.hasAttr("href") ? el.attr("href") : el.attr("xlink:href");
    if (inArchive(href)) return value.equals("_top") || value.equals("_blank");
    return value.equals("_blank") && Urls.isHttp(href.strip());
  }

  /** CSS with every reference in the archive, in the document or passive data:; others become about:invalid. */
  private String archivedCss(String css) {
    return CssCapture.map(css, raw -> {
      String v = raw.strip();
      boolean ok = v.isEmpty() || internal(v) || inArchive(v) || passiveData(v) || v.equals(CssCapture.BLOCKED);
      return ok ? null : CssCapture.BLOCKED;
    });
  }

  private boolean inArchive(String value) {
    String v = value.strip();
    return !v.isEmpty() && rewriter.inArchive(v) && Urls.staysInPath(v);
  }

  private static boolean internal(String value) {
    return value.strip().startsWith("#");
  }

  private static boolean passiveData(String value) {
    return Urls.isData(value) && !Urls.isDangerous(value);
  }
}

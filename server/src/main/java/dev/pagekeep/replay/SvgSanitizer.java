package dev.pagekeep.replay;

import dev.pagekeep.capture.CssCapture;
import dev.pagekeep.capture.Urls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.DocumentType;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.nodes.XmlDeclaration;
import org.jsoup.parser.Parser;

/**
 * Makes an SVG document inert and self-contained (see {@link ReplayRewriter#sanitizeSvg}). An allow-list
 * over the document's namespaces as an XML parser resolves them: an element stays only when it is in
 * the SVG namespace with a name from {@link ReplayPolicy#SVG_ELEMENTS}, so an XHTML element
 * ({@code <h:meta http-equiv="refresh">} with {@code xmlns:h} bound to XHTML, or a {@code <g>}
 * redeclaring the default namespace) never reaches a browser that opens the SVG as a document.
 */
final class SvgSanitizer {
  static final String EMPTY_SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
  static final String XLINK = "http://www.w3.org/1999/xlink";
  private static final Set<String> DROPPED_ELEMENTS =
      Set.of("script", "foreignobject", "iframe", "embed", "object", "handler", "listener");
  private static final Set<String> HREF_ATTRIBUTES = Set.of("href", "xlink:href", "src");

  private SvgSanitizer() {}

  static String sanitize(byte[] svg) {
    Document doc = parse(svg);
    Element root = doc.children().stream().filter(e -> localName(e).equals("svg")).findFirst().orElse(null);
    if (root == null) return EMPTY_SVG;
    removeNonElements(doc);
    for (Element el : root.getAllElements()) dropForeignNamespaces(el);
    if (!ReplayPolicy.SVG.equals(namespace(root, prefix(root.tagName())))) root.attr("xmlns", ReplayPolicy.SVG);
    root.getAllElements().stream().filter(el -> el != root && isDropped(el)).toList().forEach(Element::remove);
    removeNonElements(root);
    for (Element el : root.getAllElements()) clean(el);
    doc.outputSettings().syntax(Document.OutputSettings.Syntax.xml).prettyPrint(false)
        .escapeMode(Entities.EscapeMode.xhtml).charset("UTF-8");
    return root.outerHtml();
  }

  private static Document parse(byte[] svg) {
    try {
      // jsoup reads the charset from the BOM or XML declaration; it does not resolve external entities
      return Jsoup.parse(new ByteArrayInputStream(svg), null, "", Parser.xmlParser());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen reading a byte array
    }
  }

  /** Processing instructions (xml-stylesheet can load CSS), doctypes (entities) and comments are not needed. */
  private static void removeNonElements(Element parent) {
    List<Node> drop = new ArrayList<>();
    parent.forEachNode(n -> {
      if (n instanceof XmlDeclaration || n instanceof DocumentType || n instanceof org.jsoup.nodes.Comment) drop.add(n);
    });
    drop.forEach(Node::remove);
  }

  /** Namespace declarations other than SVG's (as default or prefixed) and XLink's are removed. */
  private static void dropForeignNamespaces(Element el) {
    for (Attribute attr : el.attributes().asList()) {
      String key = attr.getKey();
      String value = attr.getValue().strip();
      if (key.equals("xmlns") && !value.equals(ReplayPolicy.SVG)) el.removeAttr(key);
      else if (key.startsWith("xmlns:") && !value.equals(ReplayPolicy.SVG) && !value.equals(XLINK)) el.removeAttr(key);
    }
  }

  /** The namespace {@code prefix} ("" for none) is bound to at {@code el}, or "" when unbound. */
  private static String namespace(Element el, String prefix) {
    String attr = prefix.isEmpty() ? "xmlns" : "xmlns:" + prefix;
    for (Element e = el; e != null; e = e.parent()) if (e.hasAttr(attr)) return e.attr(attr).strip();
    return prefix.isEmpty() ? ReplayPolicy.SVG : ""; // the root's xmlns is forced to SVG's
  }

  private static String prefix(String name) {
    int colon = name.indexOf(':');
    return colon < 0 ? "" : name.substring(0, colon);
  }

  private static boolean isDropped(Element el) {
    String name = localName(el);
    if (DROPPED_ELEMENTS.contains(name) || !ReplayPolicy.SVG_ELEMENTS.contains(name)) return true;
    if (!ReplayPolicy.SVG.equals(namespace(el, prefix(el.tagName())))) return true;
    return ReplayPolicy.isHrefAnimation(el);
  }

  private static void clean(Element el) {
    for (Attribute attr : el.attributes().asList()) {
      String key = attr.getKey().toLowerCase(Locale.ROOT);
      String prefix = prefix(key);
      boolean foreign = !prefix.isEmpty() && !prefix.equals("xmlns") && !prefix.equals("xml")
          && !XLINK.equals(namespace(el, prefix)); // h:href, ev:event...: nothing an SVG needs
      if (foreign || localName(key).startsWith("on") || key.equals("xml:base") || key.equals("target")
          || Urls.isDangerous(attr.getValue()) || ReplayPolicy.DROPPED_URL_ATTRIBUTES.contains(key)
          || (HREF_ATTRIBUTES.contains(localName(key)) && !isLocal(attr.getValue()))) {
        el.removeAttr(attr.getKey());
      } else if (key.equals("style") || (attr.getValue().indexOf('(') >= 0 && !ReplayPolicy.isTextAttribute(key))) {
        el.attr(attr.getKey(), localCss(attr.getValue())); // fill, mask, filter, clip-path... url()
      }
    }
    if (localName(el).equals("style")) cleanStyleElement(el);
  }

  private static void cleanStyleElement(Element style) {
    StringBuilder css = new StringBuilder();
    for (Node n : style.childNodes()) {
      if (n instanceof DataNode d) css.append(d.getWholeData());
      else if (n instanceof TextNode t) css.append(t.getWholeText());
    }
    style.empty();
    style.appendChild(new TextNode(localCss(css.toString()))); // text, so XML output escapes it
  }

  /** CSS keeps only references inside the document and raster data: URLs. */
  private static String localCss(String css) {
    return CssCapture.map(css, raw -> isLocal(raw) ? null : CssCapture.BLOCKED);
  }

  /** A fragment of this document, or an image data: URL (not SVG, which could nest another document). */
  private static boolean isLocal(String value) {
    String v = value.strip();
    if (v.startsWith("#")) return true;
    String p = Urls.prefix(v);
    return p.startsWith("data:image/") && !p.startsWith("data:image/svg");
  }

  private static String localName(Element el) {
    return localName(el.tagName()).toLowerCase(Locale.ROOT);
  }

  /** A name without its namespace prefix ({@code svg:script} is a script). */
  static String localName(String name) {
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(colon + 1);
  }
}

package dev.pagekeep.replay;

import dev.pagekeep.capture.CssCapture;
import dev.pagekeep.capture.HtmlCapture;
import dev.pagekeep.capture.Requisite;
import dev.pagekeep.capture.ResourceSlots;
import dev.pagekeep.capture.Srcset;
import dev.pagekeep.capture.UrlRewriter;
import dev.pagekeep.capture.Urls;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Points every URL of a sanitized page into the archive: requisites through {@link UrlRewriter#resource},
 * links through {@link UrlRewriter#link} (to the top window, since the page is shown in a frame; live
 * links, when not archived, open in a new tab and carry {@code data-pagekeep-live}), other URL attributes
 * made absolute so that removing {@code <base>} changes nothing. Nothing is added that could move a pixel.
 */
final class ReplayLinks {
  /** Title of links that leave the archive. */
  static final String LIVE_TITLE = "Live link: leaves the archive (this page was not archived)";

  private static final Set<String> SVG_REQUISITES = Set.of("use", "image", "feimage");

  private final String baseUrl;
  private final UrlRewriter rewriter;

  private ReplayLinks(String baseUrl, UrlRewriter rewriter) {
    this.baseUrl = baseUrl;
    this.rewriter = rewriter;
  }

  static void rewrite(Document doc, String baseUrl, UrlRewriter rewriter) {
    ReplayLinks links = new ReplayLinks(baseUrl, rewriter);
    for (Element el : doc.getAllElements()) links.rewrite(el);
  }

  private void rewrite(Element el) {
    List<ResourceSlots.Slot> slots = ResourceSlots.of(el);
    slots.forEach(this::rewriteSlot);
    if (el.hasAttr("style")) el.attr("style", CssCapture.rewrite(el.attr("style"), baseUrl, rewriter));
    rewriteCssAttributes(el);
    if (el.normalName().equals("style")) rewriteStyleElement(el);
    if (ResourceSlots.isSvg(el)) {
      rewriteSvgHref(el);
      return;
    }
    switch (el.normalName()) {
      case "a", "area" -> rewriteNavigation(el, "href");
      case "link" -> {
        if (slots.isEmpty()) el.removeAttr("href"); // canonical, alternate...: informative, and outside the archive
      }
      case "blockquote", "q", "del", "ins" -> absolutise(el, "cite");
      default -> { }
    }
  }

  private void rewriteSlot(ResourceSlots.Slot slot) {
    Element el = slot.element();
    if (slot.srcset()) {
      el.attr(slot.attribute(), Srcset.rewrite(slot.value(), url -> resource(url, slot.kind())));
      return;
    }
    String replay = resource(slot.value(), slot.kind());
    if (replay != null) el.attr(slot.attribute(), replay);
    else if (slot.kind() == Requisite.Kind.FRAME) el.attr(slot.attribute(), "about:blank");
    else el.removeAttr(slot.attribute());
  }

  /**
   * The replay URL of a requisite, or null when it must go: http(s) goes through the rewriter; data:
   * stays for passive kinds (an image cannot run script, a framed document can); anything else goes.
   */
  private String resource(String value, Requisite.Kind kind) {
    if (Urls.isData(value)) return isPassive(kind) && !Urls.isDangerous(value) ? value : null;
    String abs = Urls.resolveHttp(baseUrl, value);
    return abs == null ? null : rewriter.resource(abs, kind) + Urls.fragment(value.strip());
  }

  private static boolean isPassive(Requisite.Kind kind) {
    return kind == Requisite.Kind.IMAGE || kind == Requisite.Kind.ICON || kind == Requisite.Kind.FONT
        || kind == Requisite.Kind.MEDIA;
  }

  /**
   * SVG presentation attributes ({@code fill}, {@code stroke}, {@code mask}, {@code filter},
   * {@code clip-path}, {@code marker-*}, {@code cursor}) and animation values hold CSS {@code url()}s: any
   * attribute with a '(' that is not text for people is rewritten as CSS, on any element, so that an
   * element a browser places in another namespace than jsoup did is covered too.
   */
  private void rewriteCssAttributes(Element el) {
    for (Attribute attr : el.attributes().asList()) {
      String key = attr.getKey().toLowerCase(Locale.ROOT);
      if (key.equals("style") || attr.getValue().indexOf('(') < 0 || ReplayPolicy.isTextAttribute(key)) continue;
      String css = CssCapture.rewrite(attr.getValue(), baseUrl, rewriter);
      if (!css.equals(attr.getValue())) el.attr(attr.getKey(), css);
    }
  }

  private void rewriteStyleElement(Element style) {
    String css = HtmlCapture.styleText(style);
    style.empty();
    style.appendChild(new DataNode(CssCapture.rewrite(css, baseUrl, rewriter)));
  }

  /**
   * SVG: {@code <a>} links like HTML ones; {@code <use>}, {@code <image>}, {@code <feImage>} were
   * rewritten as requisites; any other external reference (gradient, textPath...) is removed.
   */
  private void rewriteSvgHref(Element el) {
    String name = el.tag().localName().toLowerCase(Locale.ROOT);
    if (SVG_REQUISITES.contains(name)) return;
    for (String attr : new String[] {"href", "xlink:href"}) {
      if (!el.hasAttr(attr)) continue;
      if (name.equals("a")) rewriteNavigation(el, attr);
      else if (!isInternal(el.attr(attr))) el.removeAttr(attr);
    }
  }

  private boolean isInternal(String value) {
    String v = value.strip();
    return v.isEmpty() || v.startsWith("#") || (Urls.isData(v) && !Urls.isDangerous(v));
  }

  private void rewriteNavigation(Element a, String attr) {
    String href = a.attr(attr).strip();
    if (href.isEmpty() || href.startsWith("#")) {
      a.removeAttr("target"); // only the targets pagekeep sets below stay
      return;
    }
    String abs = Urls.resolve(baseUrl, href);
    if (abs == null || !Urls.isHttp(abs)) {
      a.removeAttr("target");
      if (abs != null) a.attr(attr, abs); // mailto:, tel: and the like stay usable
      return;
    }
    if (Urls.hasCredentials(abs)) { // user:pass@host is neither followed nor shown
      a.removeAttr(attr).removeAttr("target");
      return;
    }
    String replay = rewriter.link(Urls.stripFragment(abs));
    if (replay != null) {
      // The replay page around the frame must follow: a link opens its snapshot in the whole window.
      a.attr(attr, replay + Urls.fragment(abs));
      a.attr("target", "_blank".equalsIgnoreCase(a.attr("target").strip()) ? "_blank" : "_top");
    } else {
      // Marked without changing a pixel: the replay page styles [data-pagekeep-live] on hover only.
      a.attr(attr, abs).attr("target", "_blank").attr("rel", "noopener noreferrer").attr("data-pagekeep-live", "");
      if (!a.hasAttr("title")) a.attr("title", LIVE_TITLE);
    }
  }

  private void absolutise(Element el, String attr) {
    if (!el.hasAttr(attr)) return;
    String abs = Urls.resolve(baseUrl, el.attr(attr));
    if (abs != null) el.attr(attr, abs);
  }
}

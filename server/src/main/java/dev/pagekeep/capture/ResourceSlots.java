package dev.pagekeep.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.nodes.Element;

/**
 * The one table of attributes that hold requisite URLs, used by capture (to fetch) and by replay (to
 * rewrite), so the two cannot drift apart. Inline CSS ({@code style=""}, {@code <style>}) is handled
 * by the callers through {@link CssCapture}.
 */
public final class ResourceSlots {
  public static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

  /** An attribute of an element holding one URL, or a srcset when {@code srcset} is true. */
  public record Slot(Element element, String attribute, Requisite.Kind kind, boolean srcset) {
    public String value() {
      return element.attr(attribute);
    }
  }

  /** Lazy-loading attributes and the real attribute each one stands for. */
  public static final List<String[]> LAZY = List.of(
      new String[] {"data-src", "src"}, new String[] {"data-lazy-src", "src"},
      new String[] {"data-original", "src"}, new String[] {"data-srcset", "srcset"});

  private static final Set<String> ICON_RELS =
      Set.of("icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon");
  private static final Set<String> LAZY_ELEMENTS = Set.of("img", "source", "iframe", "video");

  private ResourceSlots() {}

  /** The requisite slots of one element that are present (non-empty) on it. */
  public static List<Slot> of(Element el) {
    List<Slot> slots = new ArrayList<>(2);
    if (isSvg(el)) {
      svgSlots(el, slots);
      return slots;
    }
    switch (el.normalName()) {
      case "link" -> linkSlots(el, slots);
      case "img" -> {
        add(slots, el, "src", Requisite.Kind.IMAGE, false);
        add(slots, el, "srcset", Requisite.Kind.IMAGE, true);
      }
      case "source" -> sourceSlots(el, slots);
      case "video" -> {
        add(slots, el, "poster", Requisite.Kind.IMAGE, false);
        add(slots, el, "src", Requisite.Kind.MEDIA, false);
      }
      case "audio", "track" -> add(slots, el, "src", Requisite.Kind.MEDIA, false);
      case "input" -> {
        if ("image".equalsIgnoreCase(el.attr("type").strip())) add(slots, el, "src", Requisite.Kind.IMAGE, false);
      }
      case "iframe", "frame" -> add(slots, el, "src", Requisite.Kind.FRAME, false);
      case "object" -> add(slots, el, "data", Requisite.Kind.OTHER, false);
      case "embed" -> add(slots, el, "src", Requisite.Kind.OTHER, false);
      default -> { }
    }
    // Chromium draws it on body, table, thead, tbody, tfoot, tr, td and th; taken from any element, so
    // that a parser that places an element differently cannot leave one unrewritten.
    add(slots, el, "background", Requisite.Kind.IMAGE, false);
    if (LAZY_ELEMENTS.contains(el.normalName())) lazySlots(el, slots);
    return slots;
  }

  /** The kind a lazy attribute's element gives its URL. */
  private static void lazySlots(Element el, List<Slot> slots) {
    Requisite.Kind kind = switch (el.normalName()) {
      case "iframe" -> Requisite.Kind.FRAME;
      case "video" -> Requisite.Kind.MEDIA;
      case "source" -> isMediaSource(el) ? Requisite.Kind.MEDIA : Requisite.Kind.IMAGE;
      default -> Requisite.Kind.IMAGE;
    };
    for (String[] lazy : LAZY) add(slots, el, lazy[0], kind, lazy[1].equals("srcset"));
  }

  private static void linkSlots(Element el, List<Slot> slots) {
    Set<String> rels = rels(el);
    if (rels.contains("stylesheet")) add(slots, el, "href", Requisite.Kind.STYLESHEET, false);
    else if (rels.stream().anyMatch(ICON_RELS::contains)) add(slots, el, "href", Requisite.Kind.ICON, false);
  }

  private static void sourceSlots(Element el, List<Slot> slots) {
    if (isMediaSource(el)) {
      add(slots, el, "src", Requisite.Kind.MEDIA, false);
    } else {
      add(slots, el, "srcset", Requisite.Kind.IMAGE, true);
      add(slots, el, "src", Requisite.Kind.IMAGE, false);
    }
  }

  /** SVG {@code <use>}, {@code <image>}, {@code <feImage>}: external references only. */
  private static void svgSlots(Element el, List<Slot> slots) {
    String name = el.tag().localName().toLowerCase(Locale.ROOT);
    if (!name.equals("use") && !name.equals("image") && !name.equals("feimage")) return;
    for (String attr : new String[] {"href", "xlink:href"}) {
      String value = el.attr(attr).strip();
      if (!value.isEmpty() && !value.startsWith("#")) slots.add(new Slot(el, attr, Requisite.Kind.IMAGE, false));
    }
  }

  public static boolean isSvg(Element el) {
    return SVG_NAMESPACE.equals(el.tag().namespace());
  }

  public static Set<String> rels(Element el) {
    String rel = el.attr("rel").toLowerCase(Locale.ROOT).strip();
    return rel.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(rel.split("\\s+"))); // duplicates are legal
  }

  private static boolean isMediaSource(Element source) {
    Element parent = source.parent();
    return parent != null && (parent.normalName().equals("video") || parent.normalName().equals("audio"));
  }

  private static void add(List<Slot> slots, Element el, String attr, Requisite.Kind kind, boolean srcset) {
    if (!el.attr(attr).isBlank()) slots.add(new Slot(el, attr, kind, srcset));
  }
}

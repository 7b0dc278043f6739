package dev.pagekeep.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Requisites of a stylesheet and its rewriting for replay. */
public final class CssCapture {
  /** At most this many requisites are reported per stylesheet (the rest are not fetched). */
  public static final int MAX_REQUISITES = 500;

  /** Replacement for references that must not reach the network (not http(s), not data:). */
  public static final String BLOCKED = "about:invalid";

  private CssCapture() {}

  /**
   * The resources a stylesheet needs: {@code @import} targets as STYLESHEET, {@code url()} inside
   * {@code @font-face} or with a font extension as FONT, other {@code url()} as IMAGE. Absolute http(s)
   * URLs only, deduplicated, at most {@link #MAX_REQUISITES}.
   *
   * @param cssUrl the stylesheet's own URL (or the page's base URL for inline CSS)
   */
  public static List<Requisite> requisites(String css, String cssUrl) {
    Objects.requireNonNull(css, "css");
    Objects.requireNonNull(cssUrl, "cssUrl");
    Map<String, Requisite> found = new LinkedHashMap<>();
    collect(css, cssUrl, found, MAX_REQUISITES);
    return new ArrayList<>(found.values());
  }

  /** Adds the CSS's requisites to {@code found} until it holds {@code limit} entries. */
  static void collect(String css, String baseUrl, Map<String, Requisite> found, int limit) {
    for (CssScanner.Ref ref : CssScanner.scan(css)) {
      if (found.size() >= limit) return;
      if (ref.url().startsWith("#")) continue;
      String abs = Urls.resolveHttp(baseUrl, ref.url());
      if (abs != null) found.putIfAbsent(abs, new Requisite(abs, kindOf(ref, abs)));
    }
  }

  /**
   * Sends every {@code @import} and {@code url()} through {@link UrlRewriter#resource}. Same-document
   * references ({@code url(#clip)}) and non-HTML {@code data:} URLs stay; any other scheme is neutralised.
   */
  public static String rewrite(String css, String cssUrl, UrlRewriter rewriter) {
    Objects.requireNonNull(css, "css");
    Objects.requireNonNull(cssUrl, "cssUrl");
    Objects.requireNonNull(rewriter, "rewriter");
    return mapRefs(css, ref -> replayUrl(ref, cssUrl, rewriter));
  }

  /** Replaces every URL reference with {@code mapper(rawUrl)}; a null result leaves the reference unchanged. */
  public static String map(String css, UnaryOperator<String> mapper) {
    return mapRefs(css, ref -> mapper.apply(ref.url()));
  }

  private static String mapRefs(String css, Function<CssScanner.Ref, String> mapper) {
    List<CssScanner.Ref> refs = CssScanner.scan(css);
    if (refs.isEmpty()) return css;
    StringBuilder sb = new StringBuilder(css.length() + refs.size() * 32);
    int last = 0;
    for (CssScanner.Ref ref : refs) {
      String mapped = mapper.apply(ref);
      if (mapped == null) continue;
      sb.append(css, last, ref.start());
      String quoted = CssScanner.quote(mapped);
      sb.append(ref.urlForm() ? "url(" + quoted + ")" : quoted);
      last = ref.end();
    }
    return sb.append(css, last, css.length()).toString();
  }

  private static String replayUrl(CssScanner.Ref ref, String baseUrl, UrlRewriter rewriter) {
    String raw = ref.url();
    if (raw.startsWith("#")) return null;
    if (Urls.isData(raw)) return Urls.isDangerous(raw) ? BLOCKED : null;
    String abs = Urls.resolveHttp(baseUrl, raw);
    return abs == null ? BLOCKED : rewriter.resource(abs, kindOf(ref, abs)) + Urls.fragment(raw.strip());
  }

  private static Requisite.Kind kindOf(CssScanner.Ref ref, String abs) {
    if (ref.isImport()) return Requisite.Kind.STYLESHEET;
    if (ref.inFontFace() || hasFontExtension(abs)) return Requisite.Kind.FONT;
    return Requisite.Kind.IMAGE;
  }

  private static boolean hasFontExtension(String url) {
    String path = url.toLowerCase(Locale.ROOT);
    int q = path.indexOf('?');
    if (q >= 0) path = path.substring(0, q);
    return path.endsWith(".woff2") || path.endsWith(".woff") || path.endsWith(".ttf")
        || path.endsWith(".otf") || path.endsWith(".eot");
  }
}

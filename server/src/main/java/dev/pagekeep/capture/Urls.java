package dev.pagekeep.capture;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.Locale;
import okhttp3.HttpUrl;

/** URL resolution and scheme checks shared by HTML and CSS handling. */
public final class Urls {
  private static final int SCHEME_PROBE = 40;

  private Urls() {}

  /**
   * Resolves {@code ref} against {@code base} as a browser does; null when it cannot be resolved. Keeps
   * any fragment. http(s) results go through OkHttp's WHATWG-style resolver, so that "../x.css" from the
   * site root stays at the root and dot segments are removed (java.net.URL keeps "/../x.css", which no
   * browser asks for); other schemes (mailto:, data:) resolve as before.
   */
  public static String resolve(String base, String ref) {
    if (ref == null) return null;
    String cleaned = clean(ref);
    if (cleaned.isEmpty()) return null;
    HttpUrl resolved = resolveAgainstHttp(base, cleaned);
    return resolved != null ? resolved.toString() : resolveOther(base, cleaned);
  }

  /** The java.net.URL resolution, for what OkHttp's resolver does not take (mailto:, data:, odd bases). */
  private static String resolveOther(String base, String cleaned) {
    try {
      URL context = base == null || base.isEmpty() ? null : new URL(base);
      return new URL(context, cleaned).toExternalForm();
    } catch (MalformedURLException | IllegalArgumentException e) {
      return null; // unresolvable references are simply not followed
    }
  }

  /**
   * Resolves and keeps only http(s) results, without fragment; null otherwise, and null for a URL
   * with credentials ({@code user:pass@host}): such a URL is neither fetched nor shown.
   */
  public static String resolveHttp(String base, String ref) {
    if (ref == null) return null;
    String cleaned = clean(ref);
    if (cleaned.isEmpty()) return null;
    HttpUrl resolved = resolveAgainstHttp(base, cleaned);
    if (resolved != null) { // http(s) by construction; its credentials read off it, not parsed again
      if (!resolved.encodedUsername().isEmpty() || !resolved.encodedPassword().isEmpty()) return null;
      return stripFragment(resolved.toString());
    }
    String abs = resolveOther(base, cleaned);
    return abs != null && isHttp(abs) && !hasCredentials(abs) ? stripFragment(abs) : null;
  }

  /** {@code cleaned} resolved by OkHttp against an http(s) base; null when the base is not one or OkHttp refuses. */
  private static HttpUrl resolveAgainstHttp(String base, String cleaned) {
    HttpUrl httpBase = parsedBase(base);
    return httpBase == null ? null : httpBase.resolve(cleaned);
  }

  /**
   * The base parsed by OkHttp, or null when it is not an http(s) URL. A page resolves hundreds of
   * references against one base, and parsing it each time (with its IDN host mapping) was a sixth
   * of all capture CPU on small pages; each thread keeps the last base it parsed.
   */
  private static HttpUrl parsedBase(String base) {
    if (base == null) return null;
    LastBase last = LAST_BASE.get();
    if (!base.equals(last.base)) {
      last.parsed = HttpUrl.parse(base);
      last.base = base;
    }
    return last.parsed;
  }

  private static final class LastBase {
    String base;
    HttpUrl parsed;
  }

  private static final ThreadLocal<LastBase> LAST_BASE = ThreadLocal.withInitial(LastBase::new);

  /**
   * True when a browser resolving {@code url} (a path or an absolute URL) keeps the path as written:
   * no dot segments (also percent-encoded) and no backslash before the query, so that
   * "/web/../api/stats" cannot pass for a replay path.
   */
  public static boolean staysInPath(String url) {
    int end = url.length();
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
      if (c == '\\' || c < ' ') return false;
    }
    for (String segment : url.substring(0, end).split("/", -1)) {
      String s = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
      if (s.equals(".") || s.equals("..")) return false;
    }
    return true;
  }

  /** True for an http(s) URL with a user name or password. */
  public static boolean hasCredentials(String url) {
    HttpUrl u = HttpUrl.parse(url);
    return u != null && (!u.encodedUsername().isEmpty() || !u.encodedPassword().isEmpty());
  }

  public static boolean isHttp(String url) {
    String lower = prefix(url);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  public static String stripFragment(String url) {
    int hash = url.indexOf('#');
    return hash < 0 ? url : url.substring(0, hash);
  }

  public static String fragment(String url) {
    int hash = url.indexOf('#');
    return hash < 0 ? "" : url.substring(hash);
  }

  /** True for values a browser would execute or render as a document: javascript:, vbscript:, data:text/html. */
  public static boolean isDangerous(String value) {
    String p = prefix(value);
    return p.startsWith("javascript:") || p.startsWith("vbscript:") || p.startsWith("livescript:")
        || p.startsWith("data:text/html") || p.startsWith("data:application/xhtml");
  }

  public static boolean isData(String value) {
    return prefix(value).startsWith("data:");
  }

  /**
   * The first characters of a value, lower-cased, without the whitespace and control characters that
   * browsers ignore in URLs ("java\tscript:" is javascript:). Bounded, so huge attributes cost nothing.
   */
  public static String prefix(String value) {
    StringBuilder sb = new StringBuilder(SCHEME_PROBE);
    for (int i = 0; i < value.length() && sb.length() < SCHEME_PROBE; i++) {
      char c = value.charAt(i);
      if (c > ' ') sb.append(c);
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  /** Removes what the URL parser ignores: surrounding whitespace and embedded tabs and newlines. */
  private static String clean(String ref) {
    String trimmed = ref.strip();
    if (trimmed.indexOf('\t') < 0 && trimmed.indexOf('\n') < 0 && trimmed.indexOf('\r') < 0) return trimmed;
    return trimmed.replaceAll("[\\t\\n\\r]", "");
  }
}

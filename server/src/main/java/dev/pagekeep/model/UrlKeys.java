package dev.pagekeep.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * URL keys, compatible with the seed cache: {@code urlKey} is the MD5 of the URL as saved (less
 * any fragment), {@code hashUrl} its first 10 hex characters. {@link #validate} says what can be
 * archived (what OkHttp can fetch) and gives the URL as saved; {@link #normalize} gives the SURT form
 * under which variants of one address (http/https, host case, IDN, default port, trailing '?') meet.
 */
public final class UrlKeys {
  public static final int HASH_URL_LENGTH = 10;
  private static final int MAX_URL_LENGTH = 8192;

  private UrlKeys() {}

  /** The URL as it is keyed: trimmed, without its fragment. */
  public static String stripFragment(String url) {
    int hash = url.indexOf('#');
    return hash < 0 ? url : url.substring(0, hash);
  }

  public static String urlKey(String url) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5")
          .digest(stripFragment(url).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 missing from this JVM", e);
    }
  }

  public static String hashUrl(String url) {
    return urlKey(url).substring(0, HASH_URL_LENGTH);
  }

  /** True for a 10..32 character lower-case hex string: a hashUrl, a urlKey, or a prefix between. */
  public static boolean looksLikeKey(String s) {
    if (s == null || s.length() < HASH_URL_LENGTH || s.length() > 32) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }

  /**
   * Checks that a URL can be archived: absolute http or https with a host, no credentials
   * ({@code user:pass@}: refused, so they are never stored, shown or exported), of sane length.
   * What can be archived is what OkHttp (the fetcher) can request, which is what the browser and the
   * extension accept: {@code ?q=a|b}, {@code ?q={1}}, spaces, IDN hosts.
   *
   * <p>Returns the URL as saved, whose MD5 is its key. A URL that the seed's parser
   * ({@code java.net.URI}) took is saved exactly as given, less its fragment, so that every key
   * that exists keeps its URL; any other URL is saved in OkHttp's canonical form (spaces as
   * {@code %20}, an IDN host in punycode), which is also the form a link to it in an archived page
   * resolves to.
   *
   * @throws InvalidUrlException with a one-line reason a person can act on
   */
  public static String validate(String url) {
    if (url == null || url.isBlank()) throw new InvalidUrlException(String.valueOf(url), "the URL is empty");
    String trimmed = url.strip();
    if (trimmed.length() > MAX_URL_LENGTH) {
      throw new InvalidUrlException(trimmed.substring(0, 80) + "...", "the URL is longer than " + MAX_URL_LENGTH + " characters");
    }
    String bare = stripFragment(trimmed);
    String scheme = scheme(bare);
    if (scheme == null) throw new InvalidUrlException(trimmed, "not an absolute URL (expected http:// or https://)");
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidUrlException(trimmed, "only http and https URLs can be archived (this one is " + scheme + ":)");
    }
    if (hasUserInfo(trimmed)) {
      // Never stored, shown or exported: the reason does not repeat the URL's secret part.
      throw new InvalidUrlException(withoutUserInfo(trimmed),
          "the URL carries a user name or password (user:pass@host); save it without them");
    }
    HttpUrl parsed;
    try {
      parsed = HttpUrl.get(bare);
    } catch (IllegalArgumentException e) {
      String reason = String.valueOf(e.getMessage());
      int colon = reason.indexOf(':');
      if (colon > 0) reason = reason.substring(0, colon); // OkHttp repeats the URL after the colon
      throw new InvalidUrlException(trimmed, reason.contains("host") ? "the URL has no valid host" : "not a valid URL (" + reason + ")");
    }
    if (!parsed.encodedUsername().isEmpty() || !parsed.encodedPassword().isEmpty()) {
      throw new InvalidUrlException(withoutUserInfo(trimmed),
          "the URL carries a user name or password (user:pass@host); save it without them");
    }
    return seedAccepts(bare) ? bare : parsed.toString();
  }

  /** The scheme in lower case, or null when the string does not start with one. */
  private static String scheme(String url) {
    int colon = url.indexOf(':');
    if (colon <= 0) return null;
    for (int i = 0; i < colon; i++) {
      char c = url.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
      if (!ok) return null;
    }
    return url.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  /** True for a URL that the seed's rule (java.net.URI with a host) accepted: it is kept as given. */
  private static boolean seedAccepts(String url) {
    try {
      URI uri = new URI(url);
      return uri.getHost() != null && !uri.getHost().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** An '@' in the authority, which java.net.URI misses when the host part does not parse. */
  private static boolean hasUserInfo(String url) {
    int start = url.indexOf("//");
    if (start < 0) return false;
    int end = start + 2;
    while (end < url.length() && "/?#\\".indexOf(url.charAt(end)) < 0) end++;
    return url.substring(start + 2, end).indexOf('@') >= 0;
  }

  private static String withoutUserInfo(String url) {
    int start = url.indexOf("//");
    int at = url.indexOf('@', Math.max(start, 0));
    return start < 0 || at < 0 ? url : url.substring(0, start + 2) + url.substring(at + 1);
  }

  /**
   * The lookup form of a URL, a SURT ({@code com,example)/a?b=1}) made from OkHttp's canonical form:
   * scheme folded (http and https meet), host in lower case and punycode, default port, fragment and
   * trailing '?' dropped, empty path as '/', percent-encoding as OkHttp writes it (so {@code a b} and
   * {@code a%20b} meet). Path and query keep their case and order: they can name different pages.
   * Never used as a key, only to find variants. A string OkHttp cannot parse matches only itself.
   */
  public static String normalize(String url) {
    String bare = stripFragment(url.strip());
    HttpUrl u = HttpUrl.parse(bare);
    if (u == null) return bare;
    StringBuilder sb = new StringBuilder(bare.length() + 8);
    String host = u.host();
    if (host.indexOf(':') >= 0 || host.matches("[0-9.]+")) {
      sb.append(host); // an IP address is not reversed
    } else {
      String[] labels = host.split("\\.");
      for (int i = labels.length - 1; i >= 0; i--) {
        sb.append(labels[i]);
        if (i > 0) sb.append(',');
      }
    }
    if (u.port() != HttpUrl.defaultPort(u.scheme())) sb.append(':').append(u.port());
    sb.append(')').append(u.encodedPath());
    String query = u.encodedQuery();
    if (query != null && !query.isEmpty()) sb.append('?').append(query);
    return sb.toString();
  }
}

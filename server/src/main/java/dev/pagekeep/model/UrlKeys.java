package dev.pagekeep.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * URL keys, compatible with the seed cache: {@code urlKey} is the MD5 of the URL as saved (less
 * any fragment), {@code hashUrl} its first 10 hex characters. {@link #normalize} gives the form
 * under which variants of one address (http/https, host case, default port, trailing '?') meet.
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
   * Returns the URL without its fragment.
   *
   * @throws InvalidUrlException with a one-line reason a person can act on
   */
  public static String validate(String url) {
    if (url == null || url.isBlank()) throw new InvalidUrlException(String.valueOf(url), "the URL is empty");
    String trimmed = url.strip();
    if (trimmed.length() > MAX_URL_LENGTH) {
      throw new InvalidUrlException(trimmed.substring(0, 80) + "...", "the URL is longer than " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new InvalidUrlException(trimmed, "not a valid URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (scheme == null) throw new InvalidUrlException(trimmed, "not an absolute URL (expected http:// or https://)");
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidUrlException(trimmed, "only http and https URLs can be archived (this one is " + scheme + ":)");
    }
    if (uri.getRawUserInfo() != null || hasUserInfo(trimmed)) {
      // Never stored, shown or exported: the reason does not repeat the URL's secret part.
      throw new InvalidUrlException(withoutUserInfo(trimmed),
          "the URL carries a user name or password (user:pass@host); save it without them");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidUrlException(trimmed, "the URL has no host");
    }
    return stripFragment(trimmed);
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
   * The lookup form of a URL: scheme folded (http and https meet), host in lower case, default
   * port and trailing '?' dropped, empty path as '/'. Never used as a key, only to find variants.
   */
  public static String normalize(String url) {
    try {
      URI uri = new URI(stripFragment(url.strip()));
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
      int port = uri.getPort();
      boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      String query = uri.getRawQuery();
      StringBuilder sb = new StringBuilder(host);
      if (!defaultPort) sb.append(':').append(port);
      sb.append(path);
      if (query != null && !query.isEmpty()) sb.append('?').append(query);
      return sb.toString();
    } catch (URISyntaxException e) {
      return url.strip().toLowerCase(Locale.ROOT);
    }
  }
}

package dev.pagekeep.media;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of Content-Type values: its media type (the "essence", lower case, parameters
 * dropped) and its {@code charset} parameter. Every package that reads a Content-Type asks here, so
 * a quirk fixed once is fixed everywhere. Never throws; a null or garbage value gives "" or null.
 */
public final class MediaTypes {
  private static final Pattern CHARSET_PARAM =
      Pattern.compile("charset\\s*=\\s*[\"']?\\s*([^\"';\\s]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,40}");

  private MediaTypes() {}

  /** {@code "Text/HTML; charset=x"} → {@code "text/html"}; null → "". */
  public static String essence(String contentType) {
    if (contentType == null) return "";
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  /** HTML or XHTML. */
  public static boolean isHtml(String contentType) {
    String t = essence(contentType);
    return t.equals("text/html") || t.equals("application/xhtml+xml");
  }

  /**
   * The charset label as written (quotes dropped) when it is a plain token fit to repeat in a header,
   * else null. Use {@link Charsets#forLabel} to turn it into a {@link java.nio.charset.Charset}.
   */
  public static String charsetLabel(String contentType) {
    if (contentType == null) return null;
    Matcher m = CHARSET_PARAM.matcher(contentType);
    if (!m.find()) return null;
    String v = m.group(1);
    return TOKEN.matcher(v).matches() ? v : null;
  }
}

package dev.pagekeep.media;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Charset of a stylesheet: BOM, then Content-Type, then a leading {@code @charset "x";}, else UTF-8 (CSS Syntax 3). */
public final class CssCharset {
  private static final Pattern CHARSET_RULE = Pattern.compile("^@charset\\s+\"([^\"]{1,40})\";");

  private CssCharset() {}

  public static Charset detect(byte[] body, String contentType) {
    Charset bom = Charsets.fromBom(body);
    if (bom != null) return bom;
    Charset header = Charsets.fromContentType(contentType);
    if (header != null) return header;
    String head = new String(body, 0, Math.min(body.length, 64), StandardCharsets.ISO_8859_1);
    Matcher rule = CHARSET_RULE.matcher(head);
    Charset declared = rule.find() ? Charsets.forLabel(rule.group(1)) : null;
    return declared == null || declared.name().startsWith("UTF-16") ? StandardCharsets.UTF_8 : declared;
  }

  public static String dropCharsetRule(String css) {
    return CHARSET_RULE.matcher(css).replaceFirst("");
  }
}

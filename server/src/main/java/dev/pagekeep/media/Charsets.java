package dev.pagekeep.media;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides how to decode an HTML (or CSS) body, the way browsers do.
 *
 * <p>Order: a byte order mark (it cannot lie, and browsers let it override the header), then the
 * {@code charset} of the Content-Type header, then a {@code <meta charset>} / {@code http-equiv}
 * declaration or XML declaration in the first {@value #PRESCAN_BYTES} bytes, else UTF-8 when the bytes are
 * valid UTF-8 and windows-1252 when they are not: undeclared legacy pages are overwhelmingly
 * windows-1252 (the HTML standard's default), and non-ASCII windows-1252 text is almost never valid
 * UTF-8, so the check rarely guesses wrong. Labels are mapped as the WHATWG Encoding standard does
 * (latin1/ascii to windows-1252, Shift_JIS to windows-31j, gb2312 to GBK).
 */
public final class Charsets {
  static final int PRESCAN_BYTES = 4096;
  private static final int UTF8_CHECK_BYTES = 64 * 1024;
  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
  private static final Pattern META_CHARSET = Pattern.compile(
      "<meta\\b[^>]*?charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9_:.\\-]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern XML_ENCODING = Pattern.compile(
      "^\\s*<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9_:.\\-]+)", Pattern.CASE_INSENSITIVE);
  private static final Map<String, String> WHATWG_LABELS = Map.ofEntries(
      Map.entry("iso-8859-1", "windows-1252"), Map.entry("iso8859-1", "windows-1252"),
      Map.entry("latin1", "windows-1252"), Map.entry("l1", "windows-1252"),
      Map.entry("us-ascii", "windows-1252"), Map.entry("ascii", "windows-1252"),
      Map.entry("cp1252", "windows-1252"), Map.entry("x-cp1252", "windows-1252"),
      Map.entry("shift_jis", "windows-31j"), Map.entry("shift-jis", "windows-31j"),
      Map.entry("sjis", "windows-31j"), Map.entry("x-sjis", "windows-31j"),
      Map.entry("ms_kanji", "windows-31j"), Map.entry("ms932", "windows-31j"),
      Map.entry("gb2312", "GBK"), Map.entry("gb_2312", "GBK"), Map.entry("x-gbk", "GBK"),
      Map.entry("iso-8859-9", "windows-1254"), Map.entry("latin5", "windows-1254"),
      Map.entry("tis-620", "x-windows-874"), Map.entry("iso-8859-11", "x-windows-874"),
      Map.entry("euc-kr", "x-windows-949"), Map.entry("ks_c_5601-1987", "x-windows-949"));

  private Charsets() {}

  /**
   * The charset to decode {@code body} with; never null.
   *
   * @param contentType the Content-Type header value, or null
   */
  public static Charset detect(byte[] body, String contentType) {
    Objects.requireNonNull(body, "body");
    Charset bom = fromBom(body);
    if (bom != null) return bom;
    Charset header = fromContentType(contentType);
    if (header != null) return header;
    Charset declared = fromDeclaration(body);
    if (declared != null) return declared;
    return isValidUtf8(body) ? StandardCharsets.UTF_8 : WINDOWS_1252;
  }

  /** Decodes with the detected charset, dropping a leading BOM; malformed bytes become U+FFFD. */
  public static String decode(byte[] body, Charset charset) {
    String s = new String(body, charset);
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  static Charset fromBom(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
      return StandardCharsets.UTF_8;
    }
    if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) return StandardCharsets.UTF_16BE;
    if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) return StandardCharsets.UTF_16LE;
    return null;
  }

  private static Charset fromDeclaration(byte[] body) {
    String head = new String(body, 0, Math.min(body.length, PRESCAN_BYTES), StandardCharsets.ISO_8859_1);
    Charset cs = fromLabel(XML_ENCODING.matcher(head));
    if (cs == null) cs = fromLabel(META_CHARSET.matcher(head));
    // A declaration readable as ASCII cannot be UTF-16; the HTML standard says to use UTF-8 then.
    return cs != null && cs.name().startsWith("UTF-16") ? StandardCharsets.UTF_8 : cs;
  }

  private static Charset fromLabel(Matcher m) {
    return m.find() ? forLabel(m.group(1)) : null;
  }

  /** The charset a Content-Type names, or null when it names none this JVM knows. */
  public static Charset fromContentType(String contentType) {
    String label = MediaTypes.charsetLabel(contentType);
    return label == null ? null : forLabel(label);
  }

  /** The charset for a label, or null when the label is unknown to this JVM. */
  public static Charset forLabel(String label) {
    String key = label.strip().toLowerCase(Locale.ROOT);
    String name = WHATWG_LABELS.getOrDefault(key, key);
    try {
      return Charset.isSupported(name) ? Charset.forName(name) : null;
    } catch (IllegalArgumentException e) { // IllegalCharsetNameException is one
      return null;
    }
  }

  private static boolean isValidUtf8(byte[] body) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    int length = Math.min(body.length, UTF8_CHECK_BYTES);
    ByteBuffer in = ByteBuffer.wrap(body, 0, length);
    CharBuffer out = CharBuffer.allocate(1024);
    while (true) {
      // endOfInput is false when the sample is cut short, so a sequence split by the cut is not an error
      var result = decoder.decode(in, out, length == body.length);
      if (result.isError()) return false;
      if (result.isUnderflow()) return true;
      out.clear();
    }
  }
}

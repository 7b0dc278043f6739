package dev.pagekeep.replay;

import dev.pagekeep.media.MediaTypes;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Content-Type an archived body leaves with, chosen so that a browser never renders as a document
 * something that was not sanitized as one: HTML and SVG are rewritten before they get here; images,
 * media and fonts keep their type; text, JSON and XML of any kind are sent as {@code text/plain}
 * (an XML document can hold XHTML, which a browser renders); anything else, and any type that is not
 * one well-formed {@code type/subtype} ({@code text/plain, text/html}, empty, garbage), is a download.
 *
 * @param contentType what to send
 * @param attachment  true when it must be sent as {@code Content-Disposition: attachment}
 */
record ServedType(String contentType, boolean attachment) {
  static final String DOWNLOAD = "application/octet-stream";
  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9!#$&^_.+-]{1,64}/[a-z0-9!#$&^_.+-]{1,128}");
  private static final Set<String> PASSIVE_APPLICATION = Set.of("application/font-woff", "application/font-woff2",
      "application/x-font-woff", "application/x-font-ttf", "application/x-font-otf", "application/x-font-truetype",
      "application/x-font-opentype", "application/font-sfnt", "application/vnd.ms-fontobject", "application/ogg",
      "application/pdf");
  private static final Set<String> TEXT_APPLICATION = Set.of("application/json", "application/xml",
      "application/rss+xml", "application/atom+xml", "application/ld+json", "application/feed+json",
      "application/x-yaml", "application/yaml", "application/toml");

  /** How a capture stored with {@code contentType} (possibly null) is served, HTML, CSS and SVG aside. */
  static ServedType of(String contentType) {
    String type = MediaTypes.essence(contentType);
    if (!MEDIA_TYPE.matcher(type).matches()) return new ServedType(DOWNLOAD, true);
    if (type.equals("image/svg+xml")) return new ServedType(DOWNLOAD, true); // only ever served sanitized
    if (type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/") || type.startsWith("font/")
        || PASSIVE_APPLICATION.contains(type)) {
      return new ServedType(type, false);
    }
    if (isText(type)) return plainText(contentType);
    return new ServedType(DOWNLOAD, true);
  }

  /** {@code text/plain} with the captured charset when it is a plain token. */
  static ServedType plainText(String contentType) {
    String charset = MediaTypes.charsetLabel(contentType);
    return new ServedType("text/plain" + (charset == null ? "" : "; charset=" + charset), false);
  }

  private static boolean isText(String type) {
    return type.startsWith("text/") || TEXT_APPLICATION.contains(type) || type.endsWith("+xml") || type.endsWith("+json")
        || type.endsWith("/xml") || type.endsWith("/json");
  }

}

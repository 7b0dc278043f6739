package dev.pagekeep.export;

import dev.pagekeep.capture.Requisite;
import dev.pagekeep.capture.UrlRewriter;
import dev.pagekeep.media.MediaTypes;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.replay.ReplayRewriter;
import dev.pagekeep.store.ArchiveStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The requisites of one exported page, written beside it in {@code files/} as they are asked for:
 * the archived bytes of each URL (the capture stored with the page, else the nearest capture of that
 * URL), named by digest ({@code files/3fa2c1d0e4b5a697.png}), each written once per page.
 * Stylesheets are rewritten so that their own images, fonts and imports point at their neighbours in
 * {@code files/}; SVG is sanitized; markup and scripts are never written. What was not archived gets
 * no file ({@link #file} answers null). Memory: this page's requisites only.
 */
final class PageFiles {
  static final String DIR = "files";
  /** A stylesheet importing itself, or a chain of imports, stops here. */
  private static final int MAX_DEPTH = 8;

  private final ArchiveStore store;
  private final Capture page;
  private final ZipSink sink;
  private final String pageDir;
  private final Map<String, Capture> stored = new HashMap<>();
  private final Map<String, String> written = new HashMap<>();
  private int depth;

  PageFiles(ArchiveStore store, Capture page, ZipSink sink, String pageDir) {
    this.store = store;
    this.page = page;
    this.sink = sink;
    this.pageDir = pageDir;
    for (String rid : page.resources() == null ? java.util.List.<String>of() : page.resources()) {
      int slash = rid.indexOf('/');
      if (slash < 0) continue;
      store.capture(rid.substring(0, slash), rid.substring(slash + 1)).ifPresent(c -> stored.putIfAbsent(c.url(), c));
    }
  }

  /** How many files were written beside the page. */
  int count() { return written.size(); }

  /**
   * The name in {@link #DIR} of the archived copy of {@code absoluteUrl} (written now if it was not
   * yet), or null when the archive has no usable copy.
   */
  String file(String absoluteUrl, Requisite.Kind kind) {
    if (kind == Requisite.Kind.FRAME) return null;
    Capture c = find(absoluteUrl);
    if (c == null) return null;
    String name = written.get(c.digest());
    if (name != null) return name;
    String type = MediaTypes.essence(c.contentType());
    String ext = extension(type, kind);
    if (ext == null) return null;
    byte[] body = store.blob(c.digest()).orElse(null);
    if (body == null) return null;
    name = c.digest().substring(0, 16) + "." + ext;
    written.put(c.digest(), name); // before rewriting: an import cycle finds it and stops
    if (ext.equals("css")) {
      if (depth >= MAX_DEPTH) body = new byte[0];
      else {
        depth++;
        try {
          String base = c.finalUrl() == null ? c.url() : c.finalUrl();
          body = ReplayRewriter.rewriteCss(body, c.contentType(), base, besideEachOther()).getBytes(StandardCharsets.UTF_8);
        } finally {
          depth--;
        }
      }
    } else if (ext.equals("svg")) {
      body = ReplayRewriter.sanitizeSvg(body);
    }
    try {
      sink.put(pageDir + "/" + DIR + "/" + name, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return name;
  }

  /** For a stylesheet in {@code files/}: its references are its neighbours there; what was not archived is blocked. */
  private UrlRewriter besideEachOther() {
    return new UrlRewriter() {
      @Override
      public String resource(String absoluteUrl, Requisite.Kind kind) {
        String name = file(absoluteUrl, kind);
        return name == null ? "about:invalid" : name;
      }

      @Override
      public String link(String absoluteUrl) {
        return null;
      }
    };
  }

  private Capture find(String url) {
    String bare = url.indexOf('#') < 0 ? url : url.substring(0, url.indexOf('#'));
    Capture c = stored.get(bare);
    if (c != null) return c;
    Optional<Capture> near = store.nearest(UrlKeys.urlKey(bare), page.timestamp());
    return near.filter(n -> !n.urlKey().equals(page.urlKey())).orElse(null);
  }

  /** The file extension for a type that may be written as a requisite, or null for markup and scripts. */
  static String extension(String type, Requisite.Kind kind) {
    if (type.contains("javascript") || type.contains("ecmascript") || type.contains("html") || type.equals("text/xml")
        || type.equals("application/xml")) return null;
    return switch (type) {
      case "text/css" -> "css";
      case "image/svg+xml" -> "svg";
      case "image/png" -> "png";
      case "image/jpeg", "image/jpg", "image/pjpeg" -> "jpg";
      case "image/gif" -> "gif";
      case "image/webp" -> "webp";
      case "image/avif" -> "avif";
      case "image/x-icon", "image/vnd.microsoft.icon" -> "ico";
      case "image/bmp" -> "bmp";
      case "font/woff2", "application/font-woff2" -> "woff2";
      case "font/woff", "application/font-woff", "application/x-font-woff" -> "woff";
      case "font/ttf", "application/x-font-ttf", "font/sfnt" -> "ttf";
      case "font/otf", "application/x-font-otf" -> "otf";
      case "video/mp4" -> "mp4";
      case "video/webm" -> "webm";
      case "audio/mpeg" -> "mp3";
      case "audio/ogg" -> "ogg";
      default -> kind == Requisite.Kind.STYLESHEET ? "css" : kind == Requisite.Kind.FONT ? "font" : "bin";
    };
  }

}

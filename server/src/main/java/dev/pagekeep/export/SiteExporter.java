package dev.pagekeep.export;

import dev.pagekeep.capture.Requisite;
import dev.pagekeep.capture.UrlRewriter;
import dev.pagekeep.media.MediaTypes;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.page.Pages;
import dev.pagekeep.reader.ReaderText;
import dev.pagekeep.replay.ReplayRewriter;
import dev.pagekeep.store.ArchiveStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A static site that opens from disk, in the seed cache's layout: per article (the newest snapshot of
 * each URL) {@code <year>/<urlKey>/index.html}, the page as the replay frame shows it ({@code mp_}:
 * sanitized, no script) with its requisites in {@code files/} beside it, and {@code reader.html}, its
 * reader text; plus {@code index.html} listing the articles newest first. Links to other exported
 * articles are relative ({@code ../../2024/<urlKey>/index.html}); other links go to the live web in a
 * new tab. A CSP meta tag keeps every page off the network.
 *
 * <p>Streamed: articles are read a page of records at a time and written as they go; the index lines
 * wait in a temporary file. Memory is that of one page and its requisites.
 */
public final class SiteExporter {
  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);
  /** For pages pagekeep writes (index, reader view): the site's one stylesheet ({@code page.css}) and inline styles, nothing else. */
  static final String CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'";
  /** For archived pages: their own styles, images, fonts and media from beside them, nothing else. */
  static final String PAGE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
      + "font-src 'self' data:; media-src 'self' data:; form-action 'none'; base-uri 'none'";
  private static final int LINK_CACHE = 4096;

  private final ArchiveStore store;
  /** Written in place of "../../" while the replay policy checks the page, which allows no "..". */
  private final String root = "/pagekeep-export-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8)) + "/";
  private final Map<String, String> articleDirs = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > LINK_CACHE;
    }
  };

  public SiteExporter(ArchiveStore store) {
    this.store = store;
  }

  public long write(ZipSink sink) throws IOException {
    return write(sink, ExportProgress.none());
  }

  /** Writes the site into {@code sink}, counting each article in {@code progress}. Returns the number of articles. */
  public long write(ZipSink sink, ExportProgress progress) throws IOException {
    try (IndexLines index = new IndexLines()) {
      try {
        Articles.eachArticle(store, c -> {
          try {
            if (article(sink, c, index)) progress.page();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      long n = index.count();
      sink.put("page.css", Pages.stylesheet());
      // The index's lines wait on disk: render the page around a marker and stream them in its place.
      String marker = "<!--pagekeep-index-lines-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8)) + "-->";
      String page = Pages.exportIndex(n, out -> out.writeContent(marker), CSP);
      int at = page.indexOf(marker);
      index.writeTo(sink, "index.html", page.substring(0, at), page.substring(at + marker.length()));
      return n;
    }
  }

  private boolean article(ZipSink sink, Capture c, IndexLines index) throws IOException {
    byte[] body = store.blob(c.digest()).orElse(null);
    if (body == null) return false;
    String dir = ExportPaths.articleDir(c);
    ReaderText.Extract reader = ReaderText.of(c, body);
    String type = MediaTypes.essence(c.contentType());
    boolean html = type.isEmpty() || type.equals("text/html") || type.equals("application/xhtml+xml");
    if (html) {
      PageFiles files = new PageFiles(store, c, sink, dir);
      sink.put(dir + "/index.html", archivedPage(c, body, files));
    } else {
      sink.put(dir + "/index.html", readerPage(c, reader));
    }
    sink.put(dir + "/reader.html", readerPage(c, reader));
    index.add(Pages.exportItem(dir, text(reader.title()), c.url(), day(c)).strip());
    return true;
  }

  /** The page as the replay frame shows it, every URL pointing beside it, at another exported page or at the live web. */
  private String archivedPage(Capture c, byte[] body, PageFiles files) {
    String base = c.finalUrl() == null ? c.url() : c.finalUrl();
    String page = ReplayRewriter.rewriteHtml(body, c.contentType(), base, rewriter(files));
    page = page.replace(root, "../../");
    String charset = "<meta charset=\"utf-8\">";
    int at = page.indexOf(charset);
    String csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"" + PAGE_CSP + "\">";
    return at < 0 ? csp + page : page.substring(0, at + charset.length()) + csp + page.substring(at + charset.length());
  }

  private UrlRewriter rewriter(PageFiles files) {
    return new UrlRewriter() {
      @Override
      public String resource(String absoluteUrl, Requisite.Kind kind) {
        if (kind == Requisite.Kind.FRAME) return "about:blank";
        String name = files.file(absoluteUrl, kind);
        return name == null ? "about:invalid" : PageFiles.DIR + "/" + name;
      }

      @Override
      public String link(String absoluteUrl) {
        String dir = exportedDir(absoluteUrl);
        return dir == null ? null : root + dir + "/index.html";
      }

      @Override
      public boolean inArchive(String url) {
        return url.startsWith(root) || (url.startsWith(PageFiles.DIR + "/") && url.indexOf('/', PageFiles.DIR.length() + 1) < 0);
      }
    };
  }

  /** The folder of the exported article for a URL (its newest snapshot, under any variant of the address), or null. */
  private String exportedDir(String url) {
    String key = UrlKeys.urlKey(url);
    if (articleDirs.containsKey(key)) return articleDirs.get(key);
    String dir = newestDir(key);
    if (dir == null) {
      for (String k : store.keysForUrl(url)) {
        dir = newestDir(k);
        if (dir != null) break;
      }
    }
    articleDirs.put(key, dir);
    return dir;
  }

  private String newestDir(String key) {
    List<Capture> versions = store.versions(key);
    return versions.isEmpty() ? null : ExportPaths.articleDir(versions.get(versions.size() - 1));
  }

  private static String readerPage(Capture c, ReaderText.Extract a) {
    return Pages.exportReader(text(a.title()), c.url(), day(c), c.hashUrl(), text(a.html()), CSP);
  }

  static String day(Capture c) {
    return DAY.format(Timestamps.parse(c.timestamp()));
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }
}

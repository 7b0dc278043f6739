package dev.pagekeep.export;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.store.ArchiveStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jsoup.nodes.Entities;

/**
 * A static site in the seed cache's layout: {@code <year>/<urlKey>/index.html} per article (the
 * newest snapshot of each URL) in reader view, and {@code index.html} listing them newest
 * first. Relative links only, so it opens from disk; a CSP meta tag keeps it off the network.
 */
public final class SiteExporter {
  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'";
  private static final String STYLE = "body{font:17px/1.6 Georgia,serif;max-width:42em;margin:2em auto;padding:0 1em;color:#222}"
      + "header{font:14px/1.4 system-ui,sans-serif;color:#555;border-bottom:1px solid #ddd;margin-bottom:1.5em;padding-bottom:.5em}"
      + "pre{white-space:pre-wrap;overflow-wrap:anywhere}a{color:#1d4ed8}li{margin:.4em 0}small{color:#666}";

  private final ArchiveStore store;

  public SiteExporter(ArchiveStore store) {
    this.store = store;
  }

  public long write(ZipSink sink) throws IOException {
    StringBuilder index = new StringBuilder();
    long[] n = {0};
    try {
      Articles.eachArticle(store, c -> {
        byte[] body = store.blob(c.digest()).orElse(null);
        if (body == null) return;
        ReaderText.Extract article = ReaderText.of(c, body);
        String dir = ExportPaths.articleDir(c);
        try {
          sink.put(dir + "/index.html", articlePage(c, article));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        index.append("<li><a href=\"").append(dir).append("/index.html\">").append(esc(article.title()))
            .append("</a><br><small>").append(esc(c.url())).append(" · ").append(day(c)).append("</small></li>\n");
        n[0]++;
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    sink.put("index.html", page("pagekeep archive", "<h1>pagekeep archive</h1><p>" + n[0] + " articles</p><ol>\n" + index + "</ol>"));
    return n[0];
  }

  private static String articlePage(Capture c, ReaderText.Extract a) {
    String header = "<header><a href=\"../../index.html\">&larr; all articles</a> · archived "
        + day(c) + " from <a href=\"" + esc(c.url()) + "\" rel=\"noreferrer\">" + esc(c.url()) + "</a> · hash_url "
        + c.hashUrl() + "</header>";
    return page(a.title(), header + "<h1>" + esc(a.title()) + "</h1>\n<article>" + a.html() + "</article>");
  }

  private static String page(String title, String body) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + CSP + "\">"
        + "<meta name=\"viewport\" content=\"width=device-width\"><title>" + esc(title) + "</title>"
        + "<style>" + STYLE + "</style></head><body>\n" + body + "\n</body></html>\n";
  }

  static String day(Capture c) {
    return DAY.format(Timestamps.parse(c.timestamp()));
  }

  private static String esc(String s) {
    return Entities.escape(s == null ? "" : s);
  }
}

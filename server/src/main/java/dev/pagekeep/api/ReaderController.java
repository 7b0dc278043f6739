package dev.pagekeep.api;

import dev.pagekeep.media.Charsets;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.reader.ReaderText;
import dev.pagekeep.reader.ReaderView;
import dev.pagekeep.replay.ReplaySite;
import dev.pagekeep.replay.Replayer;
import dev.pagekeep.replay.WaybackUrl;
import dev.pagekeep.store.ArchiveStore;
import io.javalin.http.Context;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;

/**
 * {@code GET /reader/{hashUrl}/{timestamp}}: a snapshot in reader view (the article alone).
 * The article HTML comes from an archived page, so it is served like replay: sanitized, under
 * the replay CSP (no script at all), images pointed back into the archive.
 */
final class ReaderController {
  private final ArchiveStore store;
  private final SnapshotsController snapshots;
  private final WebController web;

  ReaderController(ArchiveStore store, SnapshotsController snapshots, WebController web) {
    this.store = store;
    this.snapshots = snapshots;
    this.web = web;
  }

  void reader(Context ctx) {
    if (web.bounce(ctx)) return;
    ReplaySite site = web.site(ctx);
    String key = snapshots.resolve(ctx.pathParam("hashUrl"));
    String ts = ctx.pathParam("timestamp");
    if (!Timestamps.isFull(ts)) throw ApiException.badRequest("a timestamp is 14 digits, yyyyMMddHHmmss");
    Capture c = store.capture(key, ts).filter(Capture::isPage)
        .orElseThrow(() -> ApiException.notFound("no snapshot " + ctx.pathParam("hashUrl") + "/" + ts));
    byte[] body = store.blob(c.digest()).orElseThrow(() -> ApiException.notFound("the body of " + c.url() + " is missing"));
    String base = c.finalUrl() == null ? c.url() : c.finalUrl();
    ReaderView.Article a = ReaderText.article(new String(body, Charsets.detect(body, c.contentType())), base);
    Document article = Jsoup.parseBodyFragment(a.contentHtml(), base);
    String title = ReaderView.tidy(article.body(), a.title());
    for (Element img : article.select("img[src]")) {
      img.attr("src", site.path(new WaybackUrl(ts, WaybackUrl.Modifier.IM, img.absUrl("src"))));
      img.removeAttr("srcset");
    }
    String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
        + "<title>" + esc(title) + "</title><style>body{font:18px/1.65 Georgia,serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222}"
        + "header{font:14px/1.4 system-ui,sans-serif;color:#555;border-bottom:1px solid #ddd;margin-bottom:1.5em;padding-bottom:.5em}"
        + "img{max-width:100%;height:auto}pre{white-space:pre-wrap}a{color:#1d4ed8}</style></head><body>"
        + "<header><a href=\"" + esc(site.ui("/#/url/" + c.hashUrl())) + "\">&larr; all versions</a> · reader view of "
        + "<a href=\"" + esc(site.path(WaybackUrl.framed(ts, c.url()))) + "\">the snapshot</a> of " + esc(c.url()) + " · "
        + esc(Replayer.human(ts)) + "</header><h1>" + esc(title) + "</h1>"
        + (a.byline().isEmpty() ? "" : "<p><i>" + esc(a.byline()) + "</i></p>")
        + "<article>" + article.body().html() + "</article></body></html>";
    ctx.header("Content-Security-Policy", Replayer.CSP).contentType("text/html; charset=utf-8").result(html);
  }

  private static String esc(String s) {
    return Entities.escape(s == null ? "" : s);
  }
}

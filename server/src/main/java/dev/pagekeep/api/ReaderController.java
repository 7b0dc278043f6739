package dev.pagekeep.api;

import dev.pagekeep.media.Charsets;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.page.Pages;
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
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * {@code GET /reader/{hashUrl}/{timestamp}}: a snapshot in reader view (the article alone).
 * The article HTML comes from an archived page, so it is served like replay: sanitized, under
 * the replay CSP (no script at all), images pointed back into the archive.
 */
final class ReaderController {
  // Parsed once: jsoup parses a string query on every select() call.
  private static final Evaluator IMG_SRC = QueryParser.parse("img[src]");

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
    for (Element img : article.select(IMG_SRC)) {
      img.attr("src", site.path(new WaybackUrl(ts, WaybackUrl.Modifier.IM, img.absUrl("src"))));
      img.removeAttr("srcset");
    }
    String html = Pages.reader(title == null ? "" : title, site.ui("/#/url/" + c.hashUrl()),
        site.path(WaybackUrl.framed(ts, c.url())), c.url(), Replayer.human(ts), a.byline() == null ? "" : a.byline(),
        article.body().html());
    ctx.header("Content-Security-Policy", Replayer.CSP).contentType("text/html; charset=utf-8").result(html);
  }
}

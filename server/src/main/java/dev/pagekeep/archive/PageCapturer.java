package dev.pagekeep.archive;

import dev.pagekeep.capture.CssCapture;
import dev.pagekeep.capture.HtmlCapture;
import dev.pagekeep.capture.ParsedPage;
import dev.pagekeep.capture.Requisite;
import dev.pagekeep.fetch.FetchException;
import dev.pagekeep.fetch.FetchResult;
import dev.pagekeep.fetch.Fetcher;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Turns one fetched page into captures: the page itself plus its requisites (stylesheets and
 * what they import, images, fonts, icons, media, frames), each fetched through the shared
 * fetcher. Parsing runs on the injected CPU executor, never on fetcher threads. A requisite
 * that fails is left out (it answers 404 in replay); only the page itself can fail a save.
 */
public final class PageCapturer {
  /** Stylesheets may import stylesheets; this bounds the chain (and any import loop). */
  private static final int MAX_CSS_DEPTH = 4;

  private final Fetcher fetcher;
  private final Executor cpu;
  private final int maxRequisites;
  private final int frameDepth;
  private final RecentRequisites recent;

  /** A capturer that reuses requisites fetched lately while HTTP says they are fresh (see {@link RecentRequisites}). */
  public PageCapturer(Fetcher fetcher, Executor cpu, int maxRequisites, int frameDepth) {
    this(fetcher, cpu, maxRequisites, frameDepth, RecentRequisites.defaults());
  }

  PageCapturer(Fetcher fetcher, Executor cpu, int maxRequisites, int frameDepth, RecentRequisites recent) {
    this.fetcher = fetcher;
    this.cpu = cpu;
    this.maxRequisites = maxRequisites;
    this.frameDepth = frameDepth;
    this.recent = recent;
  }

  /**
   * The page and its requisites, ready for {@code ArchiveStore.finish}, and the page's text as
   * parsed (null when it has none or it is only in the page's text blob), so that indexing need
   * not decompress and decode the blob again.
   */
  public record Result(StoredCapture page, List<StoredCapture> requisites, int attempts, String text) {
    public Result(StoredCapture page, List<StoredCapture> requisites, int attempts) {
      this(page, requisites, attempts, null);
    }
  }

  /**
   * Fetches the URL and captures it. Fails with {@link FetchException} when the page cannot be had,
   * and with {@link WallException} when the response is a wall in front of the page (see {@link Walls}).
   */
  public CompletableFuture<Result> capture(String url, String source, String timestamp) {
    return capture(url, source, timestamp, NONE);
  }

  /** Fetches the URL and captures it, taking requisites from {@code given} where the browser had them. */
  public CompletableFuture<Result> capture(String url, String source, String timestamp, BrowserResources given) {
    return fetcher.fetch(url).thenComposeAsync(r -> fromResponse(url, r, source, timestamp, given, true), cpu);
  }

  /**
   * What the browser already fetched for a save, by URL (without fragment): the bodies it got with
   * its own session, used instead of fetching those URLs here. {@link #NONE} has nothing.
   */
  @FunctionalInterface
  public interface BrowserResources {
    /** The browser's response for this URL, or null when it has none (then the URL is fetched). */
    FetchResult get(String url);
  }

  public static final BrowserResources NONE = u -> null;

  /** Captures a DOM the browser already has (the extension's toolbar save): only requisites are fetched. */
  public CompletableFuture<Result> captureDom(String url, byte[] html, String title, String source, String timestamp) {
    return captureDom(url, html, title, source, timestamp, null, NONE);
  }

  /**
   * Captures a DOM the browser already has, stored with the status the browser saw ({@code status},
   * 200 when null); requisites come from {@code given} first and from the fetcher otherwise.
   */
  public CompletableFuture<Result> captureDom(String url, byte[] html, String title, String source, String timestamp,
                                              Integer status, BrowserResources given) {
    FetchResult r = new FetchResult(url, url, status == null ? 200 : status, "text/html; charset=utf-8",
        List.of("Content-Type: text/html; charset=utf-8", "X-Pagekeep-Source: browser-dom"), html, 0, List.of());
    return CompletableFuture.supplyAsync(() -> r, cpu)
        .thenCompose(x -> fromResponse(url, x, source, timestamp, given, false))
        .thenApply(res -> title == null || title.isBlank() || res.page().capture().title() != null
            && !res.page().capture().title().isBlank() ? res : withTitle(res, title));
  }

  private static Result withTitle(Result res, String title) {
    Capture c = res.page().capture();
    Capture titled = new Capture(c.urlKey(), c.url(), c.timestamp(), c.kind(), c.status(), c.contentType(),
        c.finalUrl(), c.headers(), c.digest(), c.size(), title, c.textDigest(), c.resources(), c.source(), c.tags());
    return new Result(new StoredCapture(titled, res.page().body(), res.page().text()), res.requisites(), res.attempts(), res.text());
  }

  private CompletableFuture<Result> fromResponse(String url, FetchResult r, String source, String timestamp,
                                                BrowserResources given, boolean checkWalls) {
    Crawl crawl = new Crawl(timestamp, given);
    crawl.seen.add(UrlKeys.stripFragment(url));
    String type = r.mediaType();
    Blob body = Blob.of(r.body());
    if (!isHtml(type, r.body())) {
      Blob text = type.startsWith("text/plain") ? Blob.of(r.body()) : null;
      Capture page = capture(url, r, Capture.PAGE, body, null, text, source, timestamp);
      return CompletableFuture.completedFuture(new Result(new StoredCapture(page, body, text), List.of(), r.attempts()));
    }
    ParsedPage parsed = HtmlCapture.parse(r.body(), r.contentType(), r.finalUrl(), false);
    if (checkWalls) {
      var wall = Walls.inPage(r, parsed.title(), parsed.text());
      if (wall.isPresent()) return CompletableFuture.failedFuture(new WallException(url, wall.get(), r.attempts()));
    }
    Blob text = Blob.of(parsed.text().getBytes(StandardCharsets.UTF_8));
    Capture page = capture(url, r, Capture.PAGE, body, parsed.title(), text, source, timestamp);
    // Requisites resolve against the final URL; they are stored under the page's timestamp.
    return fetchAll(crawl, parsed.requisites(), 0, frameDepth).thenApply(v ->
        new Result(new StoredCapture(page, body, text), List.copyOf(crawl.captured), r.attempts(), parsed.text()));
  }

  /** What one page's crawl has seen and captured so far (shared by its requisite fetches). */
  private static final class Crawl {
    final String timestamp;
    final Set<String> seen = Collections.synchronizedSet(new HashSet<>());
    final List<StoredCapture> captured = Collections.synchronizedList(new ArrayList<>());
    final BrowserResources given;

    Crawl(String timestamp, BrowserResources given) {
      this.timestamp = timestamp;
      this.given = given;
    }

    /** The browser's body for this URL when it had a usable one (a 2xx), else null. */
    FetchResult given(String url) {
      return given.get(UrlKeys.stripFragment(url));
    }
  }

  private CompletableFuture<Void> fetchAll(Crawl crawl, List<Requisite> requisites, int cssDepth, int framesLeft) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Requisite req : requisites) {
      if (crawl.seen.size() > maxRequisites) break;
      if (req.kind() == Requisite.Kind.FRAME && framesLeft <= 0) continue;
      String key = UrlKeys.stripFragment(req.url());
      if (!crawl.seen.add(key)) continue;
      FetchResult mine = crawl.given(req.url());
      RecentRequisites.Entry reused = mine != null || req.kind() == Requisite.Kind.FRAME ? null : recent.get(key);
      CompletableFuture<Void> one;
      if (mine != null) {
        one = CompletableFuture.supplyAsync(() -> mine, cpu)
            .thenCompose(r -> onRequisite(crawl, req, r, cssDepth, framesLeft, false));
      } else if (reused != null) {
        one = onReused(crawl, req, reused, cssDepth, framesLeft);
      } else {
        one = fetcher.fetch(req.url()).thenComposeAsync(r -> onRequisite(crawl, req, r, cssDepth, framesLeft, true), cpu);
      }
      all.add(one.exceptionally(e -> null));
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture[0]));
  }

  /** A requisite fetched lately for another page, stored again under this page's timestamp. */
  private CompletableFuture<Void> onReused(Crawl crawl, Requisite req, RecentRequisites.Entry e, int cssDepth,
                                           int framesLeft) {
    FetchResult r = e.response();
    List<Requisite> more = List.of();
    if (isStylesheet(req, r) && cssDepth < MAX_CSS_DEPTH && e.imports() != null) more = e.imports();
    crawl.captured.add(new StoredCapture(
        capture(req.url(), r, Capture.RESOURCE, e.body(), null, null, "requisite", crawl.timestamp), e.body(), null));
    return more.isEmpty() ? CompletableFuture.completedFuture(null) : fetchAll(crawl, more, cssDepth + 1, framesLeft);
  }

  private static boolean isStylesheet(Requisite req, FetchResult r) {
    return r.mediaType().equals("text/css") || req.kind() == Requisite.Kind.STYLESHEET && !isHtml(r.mediaType(), r.body());
  }

  private CompletableFuture<Void> onRequisite(Crawl crawl, Requisite req, FetchResult r, int cssDepth, int framesLeft,
                                              boolean fetchedHere) {
    Blob body = Blob.of(r.body());
    String type = r.mediaType();
    List<Requisite> more = List.of();
    int nextFrames = framesLeft;
    int nextCss = cssDepth;
    String title = null;
    Blob text = null;
    List<Requisite> imports = null;
    if (isStylesheet(req, r)) {
      if (cssDepth < MAX_CSS_DEPTH) {
        imports = CssCapture.requisites(decode(r.body(), r.contentType()), r.finalUrl());
        more = imports;
        nextCss = cssDepth + 1;
      }
    } else if (req.kind() == Requisite.Kind.FRAME && isHtml(type, r.body())) {
      ParsedPage parsed = HtmlCapture.parse(r.body(), r.contentType(), r.finalUrl(), false);
      more = parsed.requisites();
      nextFrames = framesLeft - 1;
      title = parsed.title();
      text = Blob.of(parsed.text().getBytes(StandardCharsets.UTF_8));
    }
    if (fetchedHere && req.kind() != Requisite.Kind.FRAME) {
      recent.put(UrlKeys.stripFragment(req.url()), r, body, imports, System.currentTimeMillis());
    }
    crawl.captured.add(new StoredCapture(
        capture(req.url(), r, Capture.RESOURCE, body, title, text, "requisite", crawl.timestamp), body, text));
    return more.isEmpty() ? CompletableFuture.completedFuture(null) : fetchAll(crawl, more, nextCss, nextFrames);
  }

  private static Capture capture(String url, FetchResult r, String kind, Blob body, String title, Blob text,
                                 String source, String timestamp) {
    String key = UrlKeys.urlKey(url);
    return new Capture(key, UrlKeys.stripFragment(url), timestamp, kind, r.status(), r.contentType(), r.finalUrl(),
        r.headers(), body.digest(), body.size(), title, text == null ? null : text.digest(), List.of(), source, null);
  }

  static boolean isHtml(String mediaType, byte[] body) {
    if (mediaType.equals("text/html") || mediaType.equals("application/xhtml+xml")) return true;
    if (!mediaType.isEmpty()) return false;
    // No Content-Type: sniff the start, as browsers do.
    String head = new String(body, 0, Math.min(body.length, 512), StandardCharsets.ISO_8859_1).stripLeading()
        .toLowerCase(Locale.ROOT);
    return head.startsWith("<!doctype html") || head.startsWith("<html");
  }

  static String decode(byte[] body, String contentType) {
    Charset cs = StandardCharsets.UTF_8;
    if (contentType != null) {
      int i = contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
      if (i >= 0) {
        try {
          cs = Charset.forName(contentType.substring(i + 8).replace("\"", "").split(";")[0].trim());
        } catch (RuntimeException ignored) {
          // unknown charset: UTF-8 is the web's default
        }
      }
    }
    return new String(body, cs);
  }
}

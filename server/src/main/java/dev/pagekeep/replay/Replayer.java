package dev.pagekeep.replay;

import dev.pagekeep.capture.ReplayRewriter;
import dev.pagekeep.capture.UrlRewriter;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jsoup.nodes.Entities;

/**
 * Wayback-style replay: finds the capture of a URL nearest to a timestamp and serves its body
 * rewritten so that every link and requisite points back into the archive. Archived pages are
 * hostile: HTML is sanitized by {@link ReplayRewriter}, and {@link #CSP} forbids every script and
 * every request outside this origin as a second wall.
 */
public final class Replayer {
  /** No script at all; requisites only from the archive itself; no forms, no plugins, no base. */
  public static final String CSP = "default-src 'none'; script-src 'none'; object-src 'none'; "
      + "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
      + "media-src 'self' data: blob:; frame-src 'self'; child-src 'self'; connect-src 'none'; "
      + "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; manifest-src 'none'; worker-src 'none'";

  private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private final ArchiveStore store;

  public Replayer(ArchiveStore store) {
    this.store = store;
  }

  /** What to send: a body, or a redirect to the exact timestamp. */
  public record Reply(int status, String contentType, byte[] body, String redirect) {
    static Reply redirect(String to) { return new Reply(302, null, new byte[0], to); }
  }

  /**
   * Replays {@code url} as of {@code timestamp} (null: newest).
   *
   * @param url the target as it appears after /web/ (absolute http or https)
   */
  public Reply replay(String timestampOrNull, String url) {
    String target = repairScheme(url);
    Optional<Capture> found = find(target, timestampOrNull == null ? "99991231235959" : Timestamps.pad(timestampOrNull));
    if (found.isEmpty()) return notArchived(target);
    Capture c = found.get();
    if (c.isPage() && (timestampOrNull == null || !c.timestamp().equals(timestampOrNull))) {
      return Reply.redirect("/web/" + c.timestamp() + "/" + c.url());
    }
    byte[] body = store.blob(c.digest()).orElse(null);
    if (body == null) return notArchived(target);
    return render(c, body);
  }

  /** The capture nearest in time among every key this address was saved under. */
  Optional<Capture> find(String url, String ts) {
    List<String> keys = new ArrayList<>();
    keys.add(UrlKeys.urlKey(url));
    for (String k : store.keysForUrl(url)) if (!keys.contains(k)) keys.add(k);
    Capture best = null;
    long bestDistance = Long.MAX_VALUE;
    long want = Timestamps.parse(ts).getEpochSecond();
    for (String key : keys) {
      Optional<Capture> c = store.nearest(key, ts);
      if (c.isEmpty()) continue;
      long d = Math.abs(Timestamps.parse(c.get().timestamp()).getEpochSecond() - want);
      if (d < bestDistance) {
        best = c.get();
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  private Reply render(Capture c, byte[] body) {
    String type = mediaType(c.contentType());
    UrlRewriter rewriter = rewriterFor(c.timestamp());
    if (type.equals("text/html") || type.equals("application/xhtml+xml") || (type.isEmpty() && c.isPage())) {
      String html = ReplayRewriter.rewriteHtml(body, c.contentType(), c.finalUrl() == null ? c.url() : c.finalUrl(), rewriter);
      if (c.isPage()) html = withBanner(html, c);
      return new Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), null);
    }
    if (type.equals("text/css")) {
      String css = ReplayRewriter.rewriteCss(body, c.contentType(), c.finalUrl() == null ? c.url() : c.finalUrl(), rewriter);
      return new Reply(200, "text/css; charset=utf-8", css.getBytes(StandardCharsets.UTF_8), null);
    }
    if (type.equals("image/svg+xml")) {
      return new Reply(200, "image/svg+xml", ReplayRewriter.sanitizeSvg(body), null);
    }
    if (type.contains("javascript") || type.contains("ecmascript")) {
      return new Reply(404, "text/plain; charset=utf-8", "scripts are not replayed".getBytes(StandardCharsets.UTF_8), null);
    }
    return new Reply(200, c.contentType() == null ? "application/octet-stream" : c.contentType(), body, null);
  }

  private UrlRewriter rewriterFor(String ts) {
    return new UrlRewriter() {
      @Override
      public String resource(String absoluteUrl) {
        return "/web/" + ts + "/" + absoluteUrl;
      }

      @Override
      public String link(String absoluteUrl) {
        String key = UrlKeys.urlKey(absoluteUrl);
        boolean archived = !store.versions(key).isEmpty();
        if (!archived) {
          for (String k : store.keysForUrl(absoluteUrl)) {
            if (!store.versions(k).isEmpty()) {
              archived = true;
              break;
            }
          }
        }
        return archived ? "/web/" + ts + "/" + absoluteUrl : null;
      }
    };
  }

  private String withBanner(String html, Capture c) {
    List<Capture> versions = store.versions(c.urlKey());
    StringBuilder b = new StringBuilder();
    b.append("<div id=\"pagekeep-banner\" style=\"all:initial;display:block;font:13px/1.4 system-ui,sans-serif;")
        .append("background:#1f2937;color:#f9fafb;padding:6px 12px;border-bottom:3px solid #f59e0b;position:relative;z-index:2147483647\">")
        .append("<b style=\"color:#fbbf24\">pagekeep</b> &middot; archived copy of ")
        .append("<a style=\"color:#93c5fd\" rel=\"noopener noreferrer\" target=\"_blank\" data-pagekeep-live href=\"")
        .append(esc(c.url())).append("\">").append(esc(c.url())).append("</a> &middot; captured ")
        .append(esc(HUMAN.format(Timestamps.parse(c.timestamp()))));
    if (versions.size() > 1) {
      b.append(" &middot; ").append(versions.size()).append(" versions: ");
      int shown = 0;
      for (int i = versions.size() - 1; i >= 0 && shown < 8; i--, shown++) {
        Capture v = versions.get(i);
        boolean current = v.timestamp().equals(c.timestamp());
        b.append(current ? "<b>" : "<a style=\"color:#93c5fd\" href=\"/web/" + v.timestamp() + "/" + esc(v.url()) + "\">")
            .append(esc(HUMAN.format(Timestamps.parse(v.timestamp())).substring(0, 11).trim()))
            .append(' ').append(v.timestamp().substring(8, 12))
            .append(current ? "</b> " : "</a> ");
      }
    }
    b.append(" &middot; <a id=\"pagekeep-reader\" style=\"color:#93c5fd\" href=\"/reader/").append(c.hashUrl()).append('/')
        .append(c.timestamp()).append("\">reader view</a>");
    Capture previous = null;
    for (Capture v : versions) if (v.isPage() && v.timestamp().compareTo(c.timestamp()) < 0) previous = v;
    if (previous != null) {
      b.append(" &middot; <a id=\"pagekeep-changes\" style=\"color:#93c5fd\" href=\"/diff/").append(previous.timestamp()).append('/')
          .append(c.timestamp()).append('/').append(esc(c.url())).append("\">changes since the previous version</a>");
    }
    b.append(" &middot; <a style=\"color:#93c5fd\" href=\"/#/url/").append(c.hashUrl()).append("\">all versions</a>")
        .append("</div><style>a[data-pagekeep-live]::after{content:\" \\2197\";font-size:.8em}</style>");
    int body = html.indexOf("<body");
    int close = body < 0 ? -1 : html.indexOf('>', body);
    return close < 0 ? b + html : html.substring(0, close + 1) + b + html.substring(close + 1);
  }

  private Reply notArchived(String url) {
    String html = "<!doctype html><meta charset=\"utf-8\"><title>Not in the archive</title>"
        + "<body style=\"font:15px system-ui,sans-serif;margin:3em\"><h1>Not in the archive</h1><p>pagekeep has no copy of <code>"
        + esc(url) + "</code>.</p><p><a href=\"/\">Back to the archive</a></p>";
    return new Reply(404, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), null);
  }

  /** Some clients collapse "//" in paths: turn "https:/x" back into "https://x". */
  static String repairScheme(String url) {
    for (String scheme : new String[] {"http:/", "https:/"}) {
      if (url.regionMatches(true, 0, scheme, 0, scheme.length()) && !url.regionMatches(true, 0, scheme + "/", 0, scheme.length() + 1)) {
        return scheme + "/" + url.substring(scheme.length());
      }
    }
    return url;
  }

  static String mediaType(String contentType) {
    if (contentType == null) return "";
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static String esc(String s) {
    return Entities.escape(s == null ? "" : s);
  }

  /** For tests and the UI: a human form of a capture time. */
  public static String human(String ts) {
    return HUMAN.format(Instant.from(Timestamps.parse(ts)));
  }
}

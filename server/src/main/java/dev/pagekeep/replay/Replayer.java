package dev.pagekeep.replay;

import dev.pagekeep.capture.Requisite;
import dev.pagekeep.capture.UrlRewriter;
import dev.pagekeep.media.MediaTypes;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.page.Pages;
import dev.pagekeep.store.ArchiveStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Wayback-style replay: finds the capture of a URL nearest to a timestamp and serves it in the role its
 * {@link WaybackUrl.Modifier} names. A page asked for without a modifier gets pagekeep's replay page
 * ({@link ReplayPage}: the banner above a frame); the frame holds the archived page alone ({@code mp_}),
 * rewritten so that every link and requisite points back into the archive, with nothing of pagekeep's
 * that changes its layout. Archived pages are hostile: HTML is sanitized by {@link ReplayRewriter};
 * {@link #CSP} forbids every script and every request outside this origin, and its {@code sandbox} (also
 * set on the frame) forbids scripts, forms, and top navigation without a click.
 */
public final class Replayer {
  /**
   * Archived content: no script at all; requisites only from the archive itself; no forms, no plugins,
   * no base; sandboxed (the origin is kept so that requisites carry the session and the replay page can
   * restore scroll offsets; a click may open a link in the top window or in a new tab).
   */
  public static final String CSP = "default-src 'none'; script-src 'none'; object-src 'none'; "
      + "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
      + "media-src 'self' data: blob:; frame-src 'self'; child-src 'self'; connect-src 'none'; "
      + "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; manifest-src 'none'; worker-src 'none'; "
      + "sandbox " + ReplayPage.FRAME_SANDBOX;

  private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private final ArchiveStore store;
  private final Memento memento;

  public Replayer(ArchiveStore store) {
    this.store = store;
    this.memento = new Memento(store);
  }

  public Memento memento() { return memento; }

  /** What to send: a body with its headers (the CSP among them), or a redirect to the exact timestamp. */
  public record Reply(int status, String contentType, byte[] body, String redirect, Map<String, String> headers) {
    static Reply redirect(String to) {
      // Not cached: "the newest" changes with the next capture.
      return new Reply(302, null, new byte[0], to, Map.of("Content-Security-Policy", CSP, "Cache-Control", "no-store"));
    }

    static Reply archived(int status, String contentType, byte[] body) {
      return new Reply(status, contentType, body, null, Map.of("Content-Security-Policy", CSP));
    }

    /** The same reply with more headers. */
    Reply with(Map<String, String> more) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.putAll(more);
      return new Reply(status, contentType, body, redirect, all);
    }

    /** A body with the type {@link ServedType} chose, as a download when it said so. */
    static Reply served(ServedType type, byte[] body) {
      if (!type.attachment()) return archived(200, type.contentType(), body);
      return new Reply(200, type.contentType(), body, null,
          Map.of("Content-Security-Policy", CSP, "Content-Disposition", "attachment; filename=\"captured.bin\""));
    }
  }

  /** Replays what {@code address} asks for; a URL that is not archived gets a 404 reply. */
  public Reply replay(WaybackUrl address) {
    return replay(address, null, ReplaySite.SAME);
  }

  /**
   * Replays what {@code address} asks for with the Memento headers ({@link Memento}) whose links are
   * under {@code origin} (e.g. {@code http://127.0.0.1:8765}); none when {@code origin} is null.
   */
  public Reply replay(WaybackUrl address, String origin) {
    return replay(address, origin, ReplaySite.SAME);
  }

  /** As {@link #replay(WaybackUrl, String)}, every address written under {@code site} (the replay origin's capability prefix). */
  public Reply replay(WaybackUrl address, String origin, ReplaySite site) {
    String target = address.url();
    String ts = address.timestamp() == null ? "99991231235959" : Timestamps.pad(address.timestamp());
    Optional<Capture> found = find(target, ts);
    if (found.isEmpty()) {
      if (address.modifier() != WaybackUrl.Modifier.NONE) return notArchived(target, site); // a frame or a requisite: the sealed page
      // A person asking for a page gets "Archive it now", a page of the UI that calls the API: on the
      // UI's origin, never on the replay origin (which holds no session and reaches no API).
      return site.ui().isEmpty() ? NotArchivedPage.render(target) : Reply.redirect(site.ui(address.path()));
    }
    Capture c = found.get();
    if (c.isPage() && !c.timestamp().equals(address.timestamp())) {
      Reply r = Reply.redirect(site.path(new WaybackUrl(c.timestamp(), address.modifier(), c.url())));
      return origin == null || address.timestamp() != null ? r : r.with(Memento.timeGateHeaders(origin, target));
    }
    Reply r = serve(address, c, site);
    return origin == null || r.status() == 404 ? r : r.with(memento.mementoHeaders(origin, c, address.modifier()));
  }

  /**
   * The TimeGate ({@code /web/{url}} with {@code Accept-Datetime}, RFC 7089 4.1.1): a redirect to the
   * memento nearest to {@code timestamp}, or a 404 when the URL has none.
   */
  public Reply timeGate(String url, String timestamp, String origin) {
    return timeGate(url, timestamp, origin, ReplaySite.SAME);
  }

  /** The TimeGate on {@code site}; {@code origin} is where its Memento links point (capability prefix included). */
  public Reply timeGate(String url, String timestamp, String origin, ReplaySite site) {
    Optional<Capture> found = find(url, timestamp);
    if (found.isEmpty()) return notArchived(url, site).with(Memento.timeGateHeaders(origin, url));
    Capture c = found.get();
    return Reply.redirect(site.path(WaybackUrl.framed(c.timestamp(), c.url()))).with(Memento.timeGateHeaders(origin, url));
  }

  private Reply serve(WaybackUrl address, Capture c, ReplaySite site) {
    String target = address.url();
    String type = MediaTypes.essence(c.contentType());
    boolean html = type.equals("text/html") || type.equals("application/xhtml+xml") || (type.isEmpty() && c.isPage());
    if (html && address.modifier() == WaybackUrl.Modifier.NONE) {
      return ReplayPage.render(c, store.versions(c.urlKey()), site);
    }
    byte[] body = store.blob(c.digest()).orElse(null);
    if (body == null) return notArchived(target, site);
    if (address.modifier() == WaybackUrl.Modifier.ID) return asCaptured(c, type, body);
    return render(c, type, html, body, site);
  }

  /** The capture nearest in time among every key this address was saved under. */
  /** Whether the archive holds any capture of {@code url}. */
  public boolean archived(String url) {
    return find(url, "99991231235959").isPresent();
  }

  public Optional<Capture> find(String url, String ts) {
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

  private Reply render(Capture c, String type, boolean html, byte[] body, ReplaySite site) {
    String base = c.finalUrl() == null ? c.url() : c.finalUrl();
    UrlRewriter rewriter = rewriterFor(c.timestamp(), site);
    if (html) {
      String page = ReplayRewriter.rewriteHtml(body, c.contentType(), base, rewriter);
      return Reply.archived(200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }
    if (type.equals("text/css")) {
      String css = ReplayRewriter.rewriteCss(body, c.contentType(), base, rewriter);
      return Reply.archived(200, "text/css; charset=utf-8", css.getBytes(StandardCharsets.UTF_8));
    }
    if (type.equals("image/svg+xml")) return Reply.archived(200, "image/svg+xml", ReplayRewriter.sanitizeSvg(body));
    if (isScript(type)) {
      return Reply.archived(404, "text/plain; charset=utf-8", "scripts are not replayed".getBytes(StandardCharsets.UTF_8));
    }
    return Reply.served(ServedType.of(c.contentType()), body);
  }

  /**
   * {@code id_}: the bytes as captured. Markup and scripts go out as text/plain (never rendered or run
   * from the archive); anything else as {@link ServedType} says, under the sandboxing CSP.
   */
  private static Reply asCaptured(Capture c, String type, byte[] body) {
    boolean markup = type.isEmpty() || type.contains("html") || type.contains("xml") || type.contains("svg") || isScript(type);
    if (!markup) return Reply.served(ServedType.of(c.contentType()), body);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Security-Policy", CSP);
    headers.put("Content-Disposition", "inline; filename=\"captured.txt\"");
    return new Reply(200, ServedType.plainText(c.contentType()).contentType(), body, null, headers);
  }

  private static boolean isScript(String type) {
    return type.contains("javascript") || type.contains("ecmascript");
  }

  private UrlRewriter rewriterFor(String ts, ReplaySite site) {
    return new UrlRewriter() {
      @Override
      public String resource(String absoluteUrl, Requisite.Kind kind) {
        return site.path(new WaybackUrl(ts, roleOf(kind), absoluteUrl));
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
        return archived ? site.path(WaybackUrl.framed(ts, absoluteUrl)) : null;
      }

      @Override
      public boolean inArchive(String url) {
        return url.startsWith(site.prefix() + WaybackUrl.PREFIX);
      }
    };
  }

  /** The modifier a requisite is asked for with: the role it plays in the page. */
  static WaybackUrl.Modifier roleOf(Requisite.Kind kind) {
    return switch (kind) {
      case STYLESHEET -> WaybackUrl.Modifier.CS;
      case IMAGE, ICON, FONT, MEDIA -> WaybackUrl.Modifier.IM;
      case FRAME -> WaybackUrl.Modifier.IF;
      case OTHER -> WaybackUrl.Modifier.OE;
    };
  }

  private Reply notArchived(String url, ReplaySite site) {
    String html = Pages.error("Not in the archive", "pagekeep has no copy of", site.ui("/"), url);
    return Reply.archived(404, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  /** For tests and the UI: a human form of a capture time, to the second. */
  public static String human(String ts) {
    return HUMAN.format(Instant.from(Timestamps.parse(ts)));
  }
}

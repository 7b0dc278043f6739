package dev.pagekeep.imports;

import dev.pagekeep.capture.CssCapture;
import dev.pagekeep.capture.HtmlCapture;
import dev.pagekeep.capture.ParsedPage;
import dev.pagekeep.capture.Requisite;
import dev.pagekeep.media.MediaTypes;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.ArchiveStore;
import dev.pagekeep.store.Blob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MessageHeaders;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResource;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;

/**
 * Imports web archives (WARC files, the WARCs of a WACZ) into the store without touching the
 * network. A first pass reads every record (reporting unreadable ones by offset) and keeps the
 * headers of the capture records; then each page becomes a snapshot at its WARC-Date, with its
 * requisites (stylesheets and what they import, images, fonts, frames) taken from the same files:
 * for each, the capture of that URL nearest in time. Revisit records get their original's payload.
 * A snapshot the store already has (same URL and timestamp) is skipped.
 *
 * <p>Pages are the HTML responses (any status but redirects), or, for a WACZ, those its
 * {@code pages.jsonl} lists.
 */
final class ArchiveImport {
  /** Bodies larger than this are left out (a record is read into memory to be stored). */
  static final long MAX_BODY = 64L << 20;
  private static final int MAX_CSS_DEPTH = 4;
  private static final int MAX_FRAME_DEPTH = 2;
  private static final int MAX_REQUISITES = HtmlCapture.MAX_REQUISITES;
  private static final Set<String> DROPPED_HEADERS = Set.of("content-encoding", "transfer-encoding", "content-length", "connection");

  private final ArchiveStore store;
  private final ImportJob job;
  private final Consumer<Capture> imported;
  private final List<WarcFile> files;
  private final List<WarcFile.Entry> entries = new ArrayList<>();
  private final Map<String, List<Integer>> byUrl = new HashMap<>();
  private final Map<String, Integer> byRecordId = new HashMap<>();
  private final Map<String, Integer> byDigest = new HashMap<>();

  ArchiveImport(ArchiveStore store, ImportJob job, Consumer<Capture> imported, List<WarcFile> files) {
    this.store = store;
    this.job = job;
    this.imported = imported;
    this.files = files;
  }

  /**
   * Imports every page; {@code pages} (url and 14-digit timestamp, from a WACZ's pages list) names
   * the pages when not null, else every HTML response is one.
   */
  void run(List<String[]> pages) throws IOException {
    for (WarcFile f : files) {
      String name = files.size() == 1 ? "" : f.name() + " ";
      f.scan(new WarcFile.Visitor() {
        @Override
        public void entry(WarcFile.Entry e) {
          job.read.incrementAndGet();
          int i = entries.size();
          entries.add(e);
          byUrl.computeIfAbsent(lookup(e.url()), k -> new ArrayList<>()).add(i);
          byRecordId.put(e.recordId(), i);
          if (!e.isRevisit() && e.payloadDigest() != null) byDigest.putIfAbsent(e.payloadDigest(), i);
        }

        @Override
        public void error(long offset, String reason) {
          job.recordError(name + "offset " + offset + ": " + reason);
        }
      });
    }
    if (pages == null) {
      for (int i = 0; i < entries.size(); i++) if (isPage(entries.get(i))) importPage(i);
    } else {
      for (String[] p : pages) {
        Integer i = nearest(p[0], Timestamps.parse(p[1]));
        if (i == null) job.recordError("page " + p[0] + " at " + p[1] + " has no record in the archive");
        else importPage(i);
      }
    }
  }

  private static boolean isPage(WarcFile.Entry e) {
    return isHtml(e.contentType()) && (e.status() < 300 || e.status() >= 400);
  }

  static boolean isHtml(String contentType) {
    return MediaTypes.isHtml(contentType);
  }

  private void importPage(int i) {
    WarcFile.Entry e = entries.get(i);
    String ts = Timestamps.format(e.date());
    try {
      Body page = body(i);
      if (page == null) return;
      ParsedPage parsed = HtmlCapture.parse(page.bytes, page.contentType, e.url());
      Blob text = Blob.of(parsed.text().getBytes(StandardCharsets.UTF_8));
      Blob body = page.blob();
      Capture c = capture(e.url(), ts, Capture.PAGE, page, body, parsed.title(), text, "import");
      List<StoredCapture> requisites = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      seen.add(lookup(e.url()));
      requisites(parsed.requisites(), e.date(), ts, seen, requisites, 0, MAX_FRAME_DEPTH);
      var stored = store.putSnapshot(new StoredCapture(c, body, text), requisites);
      if (stored.isPresent()) {
        job.imported();
        imported.accept(stored.get());
      } else {
        job.existing.incrementAndGet();
      }
    } catch (IOException | RuntimeException ex) {
      if (ex instanceof dev.pagekeep.store.StoreFullException full) throw full;
      job.recordError("offset " + e.offset() + " (" + e.url() + "): " + String.valueOf(ex.getMessage()).replaceAll("[\\r\\n]+", " "));
    }
  }

  private void requisites(List<Requisite> wanted, Instant when, String ts, Set<String> seen, List<StoredCapture> out,
                          int cssDepth, int framesLeft) {
    for (Requisite req : wanted) {
      if (seen.size() > MAX_REQUISITES) return;
      if (req.kind() == Requisite.Kind.FRAME && framesLeft <= 0) continue;
      String url = UrlKeys.stripFragment(req.url());
      if (!seen.add(lookup(url))) continue;
      Integer i = nearest(url, when);
      if (i == null) continue; // not in the archive: it answers 404 in replay, as a failed requisite does
      Body b;
      try {
        b = body(i);
      } catch (IOException | RuntimeException ex) {
        job.recordError("offset " + entries.get(i).offset() + " (" + url + "): " + ex.getMessage());
        continue;
      }
      if (b == null) continue;
      String type = MediaTypes.essence(b.contentType);
      List<Requisite> more = List.of();
      String title = null;
      Blob text = null;
      int nextCss = cssDepth;
      int nextFrames = framesLeft;
      if (type.equals("text/css") || req.kind() == Requisite.Kind.STYLESHEET && !isHtml(b.contentType)) {
        if (cssDepth < MAX_CSS_DEPTH) {
          more = CssCapture.requisites(decode(b.bytes, b.contentType), url);
          nextCss++;
        }
      } else if (req.kind() == Requisite.Kind.FRAME && isHtml(b.contentType)) {
        ParsedPage frame = HtmlCapture.parse(b.bytes, b.contentType, url);
        more = frame.requisites();
        title = frame.title();
        text = Blob.of(frame.text().getBytes(StandardCharsets.UTF_8));
        nextFrames--;
      }
      Blob body = b.blob();
      out.add(new StoredCapture(capture(url, ts, Capture.RESOURCE, b, body, title, text, "requisite"), body, text));
      if (!more.isEmpty()) requisites(more, when, ts, seen, out, nextCss, nextFrames);
    }
  }

  /** The capture record of {@code url} nearest to {@code when}, or null when the archive has none. */
  private Integer nearest(String url, Instant when) {
    List<Integer> candidates = byUrl.get(lookup(url));
    if (candidates == null) return null;
    Integer best = null;
    long bestDistance = Long.MAX_VALUE;
    for (int i : candidates) {
      long d = Math.abs(entries.get(i).date().getEpochSecond() - when.getEpochSecond());
      if (d < bestDistance) {
        best = i;
        bestDistance = d;
      }
    }
    return best;
  }

  /** A record's payload as served, with the status and headers of the record itself. */
  private record Body(int status, String contentType, List<String> headers, byte[] bytes) {
    Blob blob() { return Blob.of(bytes); }
  }

  /** The payload of entry {@code i} (a revisit's from the record it refers to); null when it has none. */
  private Body body(int i) throws IOException {
    WarcFile.Entry e = entries.get(i);
    WarcRecord r = files.get(e.file()).read(e.offset());
    if (r instanceof WarcResource res) {
      return new Body(200, e.contentType(), e.contentType() == null ? List.of() : List.of("Content-Type: " + e.contentType()),
          read(res.body().stream(), e));
    }
    if (r instanceof WarcResponse resp) {
      HttpResponse http = resp.http();
      return new Body(http.status(), e.contentType(), headers(http.headers()), read(decoded(http), e));
    }
    if (r instanceof WarcRevisit rev) {
      HttpResponse http = rev.body().size() > 0 ? rev.http() : null;
      Integer original = original(e);
      if (original == null) throw new IOException("revisit of " + e.url() + ": the record it refers to is not in the archive");
      Body o = body(original);
      if (o == null) return null;
      if (http == null || http.status() == 304) return o;
      String type = http.headers().first("Content-Type").orElse(o.contentType());
      return new Body(http.status(), type, headers(http.headers()), o.bytes());
    }
    return null;
  }

  /** The record a revisit refers to: by WARC-Refers-To, else by target and date, else by payload digest. */
  private Integer original(WarcFile.Entry rev) {
    if (rev.refersTo() != null) {
      Integer i = byRecordId.get(rev.refersTo());
      if (i != null && !entries.get(i).isRevisit()) return i;
    }
    if (rev.refersToUrl() != null && rev.refersToDate() != null) {
      List<Integer> c = byUrl.get(lookup(rev.refersToUrl()));
      if (c != null) {
        for (int i : c) {
          WarcFile.Entry e = entries.get(i);
          if (!e.isRevisit() && e.date().equals(rev.refersToDate())) return i;
        }
      }
    }
    return rev.payloadDigest() == null ? null : byDigest.get(rev.payloadDigest());
  }

  private static InputStream decoded(HttpResponse http) throws IOException {
    try {
      return http.bodyDecoded().stream();
    } catch (IOException | RuntimeException unknownEncoding) {
      return http.body().stream();
    }
  }

  private static byte[] read(InputStream in, WarcFile.Entry e) throws IOException {
    byte[] b = in.readNBytes((int) MAX_BODY + 1);
    if (b.length > MAX_BODY) throw new IOException("the body of " + e.url() + " is over " + (MAX_BODY >> 20) + " MiB; left out");
    return b;
  }

  private static List<String> headers(MessageHeaders h) {
    List<String> out = new ArrayList<>();
    h.map().forEach((name, values) -> {
      if (DROPPED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) return;
      for (String v : values) out.add(name + ": " + v.replaceAll("[\\r\\n]", " "));
    });
    return out;
  }

  private static Capture capture(String url, String ts, String kind, Body b, Blob body, String title, Blob text, String source) {
    return new Capture(UrlKeys.urlKey(url), UrlKeys.stripFragment(url), ts, kind, b.status(), b.contentType(), url,
        b.headers(), body.digest(), body.size(), title, text == null ? null : text.digest(), List.of(), source, null);
  }

  /** How URLs are matched across records: http/https, host case and default port folded. */
  private static String lookup(String url) {
    return UrlKeys.normalize(url);
  }

  private static String decode(byte[] body, String contentType) {
    Charset cs = StandardCharsets.UTF_8;
    if (contentType != null) {
      int i = contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
      if (i >= 0) {
        try {
          cs = Charset.forName(contentType.substring(i + 8).replace("\"", "").split(";")[0].strip());
        } catch (RuntimeException unknown) {
          // the web's default
        }
      }
    }
    return new String(body, cs);
  }
}

package dev.pagekeep.export;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.store.ArchiveStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.netpreserve.jwarc.HttpRequest;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import org.netpreserve.jwarc.WarcWriter;
import org.netpreserve.jwarc.Warcinfo;

/**
 * The whole archive as WARC 1.1: a warcinfo record, then, oldest first, for every capture (pages
 * and their requisites) a response record and a request record. A body already written (same content
 * address) becomes a revisit record (identical-payload-digest) pointing at the first one, as
 * Wayback tools expect. Payload digests are SHA-1 in base32, the form pywb and warcio compare.
 * Bodies are the bytes as fetched; the headers drop Content-Encoding and Transfer-Encoding
 * (the fetcher stored the decoded body) and carry the true Content-Length.
 *
 * <p>Streamed: snapshots are read a page of records at a time ({@link Articles#eachSnapshotOldestFirst})
 * and written as they go. The bodies already written are remembered for revisits in a bounded map
 * ({@value #REMEMBERED} digests, the most recently used): a body seen again after it was forgotten is
 * written whole once more, which is still a correct WARC.
 */
public final class WarcExporter {
  static final int REMEMBERED = 100_000;
  private static final Set<String> DROPPED = Set.of("content-encoding", "transfer-encoding", "content-length", "connection");

  private final ArchiveStore store;

  public WarcExporter(ArchiveStore store) {
    this.store = store;
  }

  /** What a written body is referred to by when it comes again. */
  private record First(URI recordId, String target, Instant date) {}

  /** Writes everything to {@code out} (gzip per record when {@code gzip}); does not close {@code out}. */
  public long write(OutputStream out, boolean gzip) throws IOException {
    return write(out, gzip, ExportProgress.none());
  }

  /** The same, counting each page snapshot in {@code progress}. */
  public long write(OutputStream out, boolean gzip, ExportProgress progress) throws IOException {
    WarcWriter writer = new WarcWriter(Channels.newChannel(out), gzip ? WarcCompression.GZIP : WarcCompression.NONE);
    writer.write(new Warcinfo.Builder().version(MessageVersion.WARC_1_1).date(Instant.now())
        .fields(Map.of("software", List.of("pagekeep"), "format", List.of("WARC File Format 1.1"),
            "description", List.of("pagekeep archive export")))
        .build());
    Map<String, First> written = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, First> eldest) {
        return size() > REMEMBERED;
      }
    };
    long[] records = {1};
    try {
      Articles.eachSnapshotOldestFirst(store, page -> {
        try {
          records[0] += writeCapture(writer, page, written);
          for (String rid : page.resources() == null ? List.<String>of() : page.resources()) {
            int slash = rid.indexOf('/');
            var r = store.capture(rid.substring(0, slash), rid.substring(slash + 1));
            if (r.isPresent()) records[0] += writeCapture(writer, r.get(), written);
          }
          progress.page();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.flush();
    return records[0];
  }

  private int writeCapture(WarcWriter writer, Capture c, Map<String, First> written) throws IOException {
    byte[] body = store.blob(c.digest()).orElse(null);
    if (body == null) return 0;
    Instant date = Timestamps.parse(c.timestamp());
    WarcDigest payloadDigest = sha1(body);
    First first = written.get(c.digest());
    if (first == null) {
      WarcResponse response = new WarcResponse.Builder(c.url()).version(MessageVersion.WARC_1_1).date(date)
          .body(http(c, body, true)).payloadDigest(payloadDigest).build();
      writer.write(response);
      written.put(c.digest(), new First(response.id(), c.url(), date));
      writer.write(request(c, date, response.id()));
    } else {
      WarcRevisit revisit = new WarcRevisit.Builder(c.url(), WarcRevisit.IDENTICAL_PAYLOAD_DIGEST_1_1)
          .version(MessageVersion.WARC_1_1).date(date)
          .refersTo(first.recordId(), first.target(), first.date())
          .payloadDigest(payloadDigest)
          .body(http(c, body, false)).build();
      writer.write(revisit);
      writer.write(request(c, date, revisit.id()));
    }
    return 2;
  }

  private static WarcRequest request(Capture c, Instant date, URI concurrentTo) throws IOException {
    // The request line and Host the fetcher sent: the URL as OkHttp parses it (it also takes
    // "?q=a|b", which java.net.URI refuses); a URL it cannot parse gets a bare "GET /".
    okhttp3.HttpUrl u = okhttp3.HttpUrl.parse(c.url());
    if (u == null) u = okhttp3.HttpUrl.get("http://invalid/");
    String target = u.encodedPath() + (u.encodedQuery() == null ? "" : "?" + u.encodedQuery());
    HttpRequest http = new HttpRequest.Builder("GET", target)
        .addHeader("Host", u.port() == okhttp3.HttpUrl.defaultPort(u.scheme()) ? u.host() : u.host() + ":" + u.port())
        .addHeader("User-Agent", "pagekeep")
        .build();
    return new WarcRequest.Builder(c.url()).version(MessageVersion.WARC_1_1).date(date)
        .recordId(UUID.randomUUID()).concurrentTo(concurrentTo).body(http).build();
  }

  /** The HTTP response as archived: status, the stored headers (less transfer ones), and the body when {@code withBody}. */
  private static HttpResponse http(Capture c, byte[] body, boolean withBody) {
    HttpResponse.Builder b = new HttpResponse.Builder(c.status() <= 0 ? 200 : c.status(), reason(c.status()));
    for (String line : c.headers() == null ? List.<String>of() : c.headers()) {
      int colon = line.indexOf(':');
      if (colon <= 0) continue;
      String name = line.substring(0, colon).strip();
      if (DROPPED.contains(name.toLowerCase(Locale.ROOT)) || name.isEmpty()) continue;
      b.addHeader(name, line.substring(colon + 1).strip().replaceAll("[\\r\\n]", " "));
    }
    b.addHeader("Content-Length", Long.toString(body.length));
    MediaType type = c.contentType() == null ? MediaType.OCTET_STREAM : MediaType.parseLeniently(c.contentType());
    b.body(type, withBody ? body : new byte[0]); // a revisit carries the headers only
    return b.build();
  }

  static WarcDigest sha1(byte[] body) {
    try {
      return new WarcDigest("sha1", MessageDigest.getInstance("SHA-1").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 missing from this JVM", e);
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 203 -> "Non-Authoritative Information";
      case 204 -> "No Content";
      case 206 -> "Partial Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 304 -> "Not Modified";
      case 404 -> "Not Found";
      case 410 -> "Gone";
      default -> "Status " + status;
    };
  }
}

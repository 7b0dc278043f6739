package dev.pagekeep.imports;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResource;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcRevisit;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcTargetRecord;

/**
 * One WARC file (gzip per record or plain) read record by record, for import. A record that cannot
 * be read whole (truncated, bad gzip, a header that does not parse) is reported with its byte offset
 * and skipped: reading goes on at the next place a record starts (a gzip member, or a line starting
 * {@code WARC/1.}). Nothing here holds more than one record's headers.
 */
final class WarcFile implements AutoCloseable {
  /** The headers of one capture record (response, revisit, or resource) with an http(s) target. */
  record Entry(int file, long offset, String type, String url, Instant date, int status, String contentType,
               String recordId, String refersTo, String refersToUrl, Instant refersToDate, String payloadDigest) {
    boolean isRevisit() { return type.equals("revisit"); }
  }

  /** What a scan finds: each capture record, and each record that could not be read. */
  interface Visitor {
    void entry(Entry e);

    void error(long offset, String reason);
  }

  private final int index;
  private final Path path;
  private final String name;
  private final FileChannel channel;
  private final boolean gzip;

  /** @param name how errors name the file (its path inside a WACZ) */
  WarcFile(int index, Path path, String name) throws IOException {
    this.index = index;
    this.path = path;
    this.name = name;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    ByteBuffer head = ByteBuffer.allocate(2);
    channel.read(head, 0);
    this.gzip = head.position() == 2 && (head.get(0) & 0xff) == 0x1f && (head.get(1) & 0xff) == 0x8b;
  }

  String name() { return name; }

  /** Reads every record, telling {@code visitor} of capture records and of unreadable ones. */
  void scan(Visitor visitor) throws IOException {
    long size = channel.size();
    long at = 0;
    byte[] drain = new byte[1 << 16];
    while (at < size) {
      channel.position(at);
      WarcReader reader = new WarcReader(channel);
      reader.onWarning(w -> { });
      long previous = -1; // where the last record this reader returned starts
      long failed;
      while (true) {
        Optional<WarcRecord> next;
        try {
          next = reader.next();
        } catch (IOException | RuntimeException ex) {
          // The record after the previous one is unreadable: it starts where the next record may start.
          failed = previous < 0 ? at : nextStart(previous + 1, size);
          visitor.error(failed, reason(ex));
          break;
        }
        if (next.isEmpty()) return;
        WarcRecord r = next.get();
        previous = r.position();
        try {
          Entry e = entry(r, previous);
          long declared = r.body().size();
          long read = 0;
          try (InputStream body = r.body().stream()) {
            int n;
            while ((n = body.read(drain)) >= 0) read += n;
          }
          if (read < declared) {
            throw new EOFException("the record ends after " + read + " of its " + declared + " bytes");
          }
          if (e != null) visitor.entry(e);
        } catch (IOException | RuntimeException ex) {
          failed = previous;
          visitor.error(failed, reason(ex));
          break;
        }
      }
      at = nextStart(failed + 1, size);
    }
  }

  /** The record at {@code offset}, positioned at its start (the caller reads it before asking for another). */
  WarcRecord read(long offset) throws IOException {
    channel.position(offset);
    WarcReader reader = new WarcReader(channel);
    reader.onWarning(w -> { });
    return reader.next().orElseThrow(() -> new EOFException("no record at offset " + offset));
  }

  private Entry entry(WarcRecord r, long offset) throws IOException {
    if (!(r instanceof WarcResponse || r instanceof WarcRevisit || r instanceof WarcResource)) return null;
    WarcTargetRecord t = (WarcTargetRecord) r;
    String url = target(t.target());
    if (!url.regionMatches(true, 0, "http://", 0, 7) && !url.regionMatches(true, 0, "https://", 0, 8)) return null;
    int status = 200;
    String type;
    if (r instanceof WarcResponse resp && resp.contentType().base().equals(MediaType.HTTP)) {
      HttpResponse http = resp.http();
      status = http.status();
      type = http.headers().first("Content-Type").orElse(null);
    } else if (r instanceof WarcRevisit rev) {
      HttpResponse http = rev.contentType().base().equals(MediaType.HTTP) || rev.body().size() > 0 ? rev.http() : null;
      status = http == null ? 200 : http.status();
      type = http == null ? null : http.headers().first("Content-Type").orElse(null);
    } else if (r instanceof WarcResponse) {
      return null; // a response that is not HTTP (dns:, ftp:)
    } else {
      type = r.contentType().toString();
    }
    String refersTo = null;
    String refersToUrl = null;
    Instant refersToDate = null;
    if (r instanceof WarcRevisit rev) {
      refersTo = rev.refersTo().map(Object::toString).orElse(null);
      refersToUrl = rev.refersToTargetURI().map(u -> target(u.toString())).orElse(null);
      refersToDate = rev.refersToDate().orElse(null);
    }
    String digest = t.payloadDigest().map(d -> d.algorithm().toLowerCase(Locale.ROOT) + ":" + d.base32()).orElse(null);
    return new Entry(index, offset, r.type(), url, r.date(), status, type, r.id().toString(), refersTo, refersToUrl,
        refersToDate, digest);
  }

  /** WARC 1.0 examples (and wget) wrote the target in angle brackets. */
  static String target(String raw) {
    String t = raw.strip();
    if (t.startsWith("<") && t.endsWith(">")) t = t.substring(1, t.length() - 1);
    return t;
  }

  private static String reason(Exception ex) {
    String m = ex.getMessage();
    String kind = ex instanceof EOFException ? "truncated" : ex.getClass().getSimpleName();
    return (m == null || m.isBlank() ? kind : kind + ": " + m).replaceAll("[\\r\\n]+", " ");
  }

  /** The next offset at or after {@code from} where a record may start, or {@code size} when none does. */
  private long nextStart(long from, long size) throws IOException {
    byte[] magic = gzip ? new byte[] {0x1f, (byte) 0x8b, 0x08} : "\nWARC/1.".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long pos = from;
    while (pos < size) {
      buf.clear();
      int n = channel.read(buf, pos);
      if (n <= 0) break;
      byte[] a = buf.array();
      for (int i = 0; i + magic.length <= n; i++) {
        boolean hit = true;
        for (int j = 0; j < magic.length && hit; j++) hit = a[i + j] == magic[j];
        if (hit) return gzip ? pos + i : pos + i + 1;
      }
      if (n < magic.length) break;
      pos += n - magic.length + 1;
    }
    return size;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

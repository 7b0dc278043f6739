package dev.pagekeep.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.model.Timestamps;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Web archives as import input, recognised by content: a WARC (plain, or gzip whose first member
 * starts {@code WARC/}) or a WACZ (a zip with a {@code datapackage.json}). The upload is kept in a
 * temporary directory while it is imported (records are read again by offset), then deleted.
 */
final class WebArchives {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind {
    WARC, WACZ;

    String wire() { return name().toLowerCase(java.util.Locale.ROOT); }
  }

  private WebArchives() {}

  /** What the stream holds, from its first bytes (the stream is left where it was); null for anything else. */
  static Kind sniff(BufferedInputStream in) throws IOException {
    in.mark(1 << 16);
    byte[] head = in.readNBytes(5);
    in.reset();
    if (startsWith(head, "WARC/")) return Kind.WARC;
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return Kind.WACZ;
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      in.mark(1 << 16);
      byte[] inner;
      try {
        inner = new GZIPInputStream(new NoClose(in), 512).readNBytes(5);
      } catch (IOException notGzip) {
        inner = new byte[0];
      } finally {
        in.reset();
      }
      if (startsWith(inner, "WARC/")) return Kind.WARC;
      throw new IllegalArgumentException("a gzip file that is not a WARC: pagekeep imports URL lists, bookmarks, WARC and WACZ");
    }
    return null;
  }

  /** Copies the upload to a temporary file and imports it with the importer {@code make} builds for its WARC files. */
  static void importFrom(Kind kind, InputStream in, Path tempParent, Function<List<WarcFile>, ArchiveImport> make,
                         ImportJob job) throws IOException {
    Path dir = Files.createTempDirectory(tempParent, "pagekeep-import");
    List<WarcFile> files = new ArrayList<>();
    try {
      Path upload = dir.resolve("upload");
      Files.copy(in, upload);
      List<String[]> pages = null;
      if (kind == Kind.WARC) {
        files.add(new WarcFile(0, upload, "upload"));
      } else {
        try (ZipFile zip = new ZipFile(upload.toFile())) {
          if (zip.getEntry("datapackage.json") == null) {
            throw new IllegalArgumentException("a zip without datapackage.json is not a WACZ");
          }
          List<? extends ZipEntry> warcs = Collections.list(zip.entries()).stream()
              .filter(e -> !e.isDirectory() && e.getName().startsWith("archive/")
                  && (e.getName().endsWith(".warc") || e.getName().endsWith(".warc.gz")))
              .sorted(Comparator.comparing(ZipEntry::getName)).toList();
          if (warcs.isEmpty()) throw new IllegalArgumentException("the WACZ has no WARC file under archive/");
          for (ZipEntry e : warcs) {
            Path f = dir.resolve("warc-" + files.size() + (e.getName().endsWith(".gz") ? ".warc.gz" : ".warc"));
            try (InputStream z = zip.getInputStream(e)) {
              Files.copy(z, f);
            }
            files.add(new WarcFile(files.size(), f, e.getName()));
          }
          ZipEntry list = zip.getEntry("pages/pages.jsonl");
          if (list != null) pages = pages(zip, list, job);
        }
        Files.delete(upload);
      }
      make.apply(files).run(pages);
    } finally {
      for (WarcFile f : files) f.close();
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  /** The pages a WACZ lists (url, 14-digit timestamp); null when the list names none (then every HTML response is a page). */
  private static List<String[]> pages(ZipFile zip, ZipEntry list, ImportJob job) throws IOException {
    List<String[]> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(zip.getInputStream(list), StandardCharsets.UTF_8))) {
      String line;
      long n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) continue;
        JsonNode p;
        try {
          p = JSON.readTree(line);
        } catch (IOException bad) {
          job.recordError("pages/pages.jsonl line " + n + ": not JSON");
          continue;
        }
        if (p.has("format") && !p.has("url")) continue; // the header line
        String url = p.path("url").asText("");
        String ts = timestamp(p.path("ts").asText(""));
        if (url.isEmpty() || ts == null) {
          job.recordError("pages/pages.jsonl line " + n + ": a page needs url and ts");
          continue;
        }
        out.add(new String[] {url, ts});
      }
    }
    return out.isEmpty() ? null : out;
  }

  /** An RFC 3339 date (or a 14-digit timestamp) as a Wayback timestamp; null when it is neither. */
  static String timestamp(String ts) {
    if (Timestamps.isFull(ts)) return ts;
    try {
      Instant t = OffsetDateTime.parse(ts).toInstant();
      return Timestamps.format(t);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean startsWith(byte[] b, String prefix) {
    if (b.length < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) if (b[i] != prefix.charAt(i)) return false;
    return true;
  }

  /** Lets a GZIPInputStream peek without closing the stream under it. */
  private static final class NoClose extends java.io.FilterInputStream {
    NoClose(InputStream in) { super(in); }

    @Override
    public void close() { }
  }
}

package dev.pagekeep.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.store.ArchiveStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.cdx.CdxFormat;
import org.netpreserve.jwarc.cdx.CdxWriter;

/**
 * The archive as a WACZ 1.1.1 (Webrecorder's Web Archive Collection Zipped): a zip holding
 * {@code archive/data.warc.gz} (the {@link WarcExporter}'s WARC), {@code indexes/index.cdxj} (a CDXJ
 * line per response and revisit record, sorted by SURT and timestamp, with its offset and length in
 * the WARC), {@code pages/pages.jsonl} (every snapshot with its title and text, which ReplayWeb.page
 * searches), {@code datapackage.json} (SHA-256 and size of each of those) and
 * {@code datapackage-digest.json}.
 *
 * <p>Memory stays bounded whatever the archive's size: the parts are written to files in a
 * temporary directory first (the index sorted in runs and merged), then streamed into the zip;
 * the WARC is stored uncompressed in the zip (it is gzip per record already, so readers can seek).
 */
public final class WaczExporter {
  public static final String WACZ_VERSION = "1.1.1";
  static final String WARC_NAME = "data.warc.gz";
  private static final long SORT_RUN_CHARS = 8L << 20;

  private final ArchiveStore store;
  private final Path tempParent;

  /** @param tempParent where the parts are written before zipping (a directory with room for the WARC) */
  public WaczExporter(ArchiveStore store, Path tempParent) {
    this.store = store;
    this.tempParent = tempParent;
  }

  /** One file of the package: its path in the zip, and its digest and size once written. */
  private record Part(String path, Path file, boolean stored) {}

  /** Writes the WACZ to {@code out} (not closed). Returns the number of pages listed. */
  public long write(OutputStream out) throws IOException {
    return write(out, ExportProgress.none());
  }

  /** The same, counting each page snapshot in {@code progress} as its records go into the WARC. */
  public long write(OutputStream out, ExportProgress progress) throws IOException {
    Path dir = Files.createTempDirectory(tempParent, "pagekeep-wacz");
    try {
      Path warc = dir.resolve(WARC_NAME);
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(warc), 1 << 16)) {
        new WarcExporter(store).write(o, true, progress);
      }
      Path index = dir.resolve("index.cdxj");
      writeIndex(warc, dir.resolve("index.unsorted"), index);
      Path pages = dir.resolve("pages.jsonl");
      long n = writePages(pages);
      List<Part> parts = List.of(new Part("archive/" + WARC_NAME, warc, true), new Part("indexes/index.cdxj", index, false),
          new Part("pages/pages.jsonl", pages, false));
      Path datapackage = dir.resolve("datapackage.json");
      writeDataPackage(parts, datapackage);
      Path digest = dir.resolve("datapackage-digest.json");
      try (JsonGenerator g = json(Files.newOutputStream(digest))) {
        g.writeStartObject();
        g.writeStringField("path", "datapackage.json");
        g.writeStringField("hash", "sha256:" + Digest.of(datapackage).sha256);
        g.writeEndObject();
      }
      ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
      for (Part p : parts) put(zip, p);
      put(zip, new Part("datapackage.json", datapackage, false));
      put(zip, new Part("datapackage-digest.json", digest, false));
      zip.finish();
      zip.flush();
      return n;
    } finally {
      deleteTree(dir);
    }
  }

  /** CDXJ of every response and revisit record (as pywb and ReplayWeb.page read it), sorted. */
  private static void writeIndex(Path warc, Path unsorted, Path sorted) throws IOException {
    try (WarcReader reader = new WarcReader(warc);
         Writer w = Files.newBufferedWriter(unsorted, StandardCharsets.UTF_8);
         CdxWriter cdx = new CdxWriter(w)) {
      cdx.setFormat(CdxFormat.CDXJ);
      cdx.process(reader, WARC_NAME);
    }
    ExternalSort.sortLines(unsorted, sorted, SORT_RUN_CHARS);
    Files.delete(unsorted);
  }

  /** The pages list: a header line, then one line per snapshot (url, ts, title, text). */
  private long writePages(Path file) throws IOException {
    long[] n = {0};
    try (JsonGenerator g = json(Files.newOutputStream(file))) {
      g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
      g.writeStartObject();
      g.writeStringField("format", "json-pages-1.0");
      g.writeStringField("id", "pages");
      g.writeStringField("title", "All Pages");
      g.writeBooleanField("hasText", true);
      g.writeEndObject();
      Articles.eachSnapshot(store, c -> {
        try {
          page(g, c);
          n[0]++;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      g.writeRaw('\n');
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return n[0];
  }

  private void page(JsonGenerator g, Capture c) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", c.hashUrl() + "-" + c.timestamp());
    g.writeStringField("url", c.url());
    g.writeStringField("ts", Timestamps.parse(c.timestamp()).toString());
    if (c.title() != null) g.writeStringField("title", c.title());
    String text = c.textDigest() == null ? null
        : store.blob(c.textDigest()).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    if (text != null) g.writeStringField("text", text);
    g.writeNumberField("size", c.size());
    g.writeEndObject();
  }

  private static void writeDataPackage(List<Part> parts, Path file) throws IOException {
    try (JsonGenerator g = json(Files.newOutputStream(file))) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("profile", "data-package");
      g.writeStringField("wacz_version", WACZ_VERSION);
      g.writeStringField("title", "pagekeep archive");
      g.writeStringField("description", "Everything archived by pagekeep, exported " + Instant.now());
      g.writeStringField("created", Instant.now().toString());
      g.writeStringField("software", "pagekeep");
      g.writeArrayFieldStart("resources");
      for (Part p : parts) {
        Digest d = Digest.of(p.file());
        g.writeStartObject();
        g.writeStringField("name", p.file().getFileName().toString());
        g.writeStringField("path", p.path());
        g.writeStringField("hash", "sha256:" + d.sha256);
        g.writeNumberField("bytes", d.size);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static void put(ZipOutputStream zip, Part p) throws IOException {
    ZipEntry e = new ZipEntry(p.path());
    if (p.stored()) {
      Digest d = Digest.of(p.file());
      e.setMethod(ZipEntry.STORED);
      e.setSize(d.size);
      e.setCompressedSize(d.size);
      e.setCrc(d.crc);
    }
    zip.putNextEntry(e);
    Files.copy(p.file(), zip);
    zip.closeEntry();
  }

  private static JsonGenerator json(OutputStream out) throws IOException {
    return new JsonFactory().createGenerator(new BufferedOutputStream(out, 1 << 16), JsonEncoding.UTF8);
  }

  /** SHA-256, CRC-32 and size of a file, in one pass. */
  record Digest(String sha256, long crc, long size) {
    static Digest of(Path file) throws IOException {
      MessageDigest sha;
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 missing from this JVM", e);
      }
      CRC32 crc = new CRC32();
      long size = 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = Files.newInputStream(file)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
          crc.update(buf, 0, n);
          size += n;
        }
      }
      return new Digest(HexFormat.of().formatHex(sha.digest()), crc.getValue(), size);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) Files.deleteIfExists(p);
    }
  }
}

package dev.pagekeep.export;

import dev.pagekeep.model.Capture;
import dev.pagekeep.store.ArchiveStore;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Markdown per article, in the seed cache's format: {@code <year>/<urlKey>/index.md} starting
 * with {@code title:}, {@code url:} and {@code hash_url:} lines, a blank line, then the reader
 * text as Markdown; plus {@code index.md} listing every article newest first.
 */
public final class MarkdownExporter {
  private final ArchiveStore store;

  public MarkdownExporter(ArchiveStore store) {
    this.store = store;
  }

  public long write(ZipSink sink) throws IOException {
    StringBuilder index = new StringBuilder("# pagekeep archive\n\n");
    long[] n = {0};
    try {
      Articles.eachArticle(store, c -> {
        byte[] body = store.blob(c.digest()).orElse(null);
        if (body == null) return;
        ReaderText.Extract a = ReaderText.of(c, body);
        String dir = ExportPaths.articleDir(c);
        try {
          sink.put(dir + "/index.md", article(c, a));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        index.append("- [").append(Markdown.escapeInline(oneLine(a.title()))).append("](").append(dir).append("/index.md) ")
            .append("<").append(c.url().replace(">", "%3E")).append("> ").append(SiteExporter.day(c)).append('\n');
        n[0]++;
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    sink.put("index.md", index.toString());
    return n[0];
  }

  /** The seed's header, one field a line (newlines in a title would break it: flattened). */
  static String article(Capture c, ReaderText.Extract a) {
    return "title: " + oneLine(a.title()) + "\nurl: " + oneLine(c.url()) + "\nhash_url: " + c.hashUrl() + "\n\n"
        + Markdown.of(a.element()).strip() + "\n";
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }
}

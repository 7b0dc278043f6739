package dev.pagekeep.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImportReaderTest {

  static List<ImportEntry> readAll(InputStream in) throws IOException {
    List<ImportEntry> out = new ArrayList<>();
    try (ImportReader r = ImportReader.open(in)) {
      ImportEntry e;
      while ((e = r.next()) != null) out.add(e);
    }
    return out;
  }

  static InputStream chromeFile() throws IOException {
    String text = new String(ImportReaderTest.class.getResourceAsStream("/import/chrome-bookmarks.html").readAllBytes(), StandardCharsets.UTF_8);
    return new ByteArrayInputStream(text.replace("{{BASE}}", "http://h.example").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsChromeBookmarksWithFolderPathsAsTags() throws IOException {
    List<ImportEntry> all = readAll(chromeFile());
    assertThat(all).extracting(ImportEntry::url).containsExactly(
        "http://h.example/aiohttp", "javascript:(function(){alert('bookmarklet')})()", "http://h.example/sourdough?x=1&y=2",
        "http://h.example/comets", "http://h.example/missing", "chrome://settings/", "http://h.example/espresso");
    assertThat(all.get(0).tags()).containsExactly("Bookmarks bar");
    assertThat(all.get(0).title()).isEqualTo("Making 1 million requests with python-aiohttp");
    assertThat(all.get(2).tags()).containsExactly("Bookmarks bar", "Reading & Research");
    assertThat(all.get(2).title()).isEqualTo("Sourdough: the baker's notes");
    assertThat(all.get(3).tags()).containsExactly("Bookmarks bar", "Reading & Research", "Astronomy");
    assertThat(all.get(3).title()).isEqualTo("Comets <3");
    assertThat(all.get(4).tags()).containsExactly("Bookmarks bar");
    assertThat(all.get(6).tags()).containsExactly("Other bookmarks");
    assertThat(all.get(6).line()).isEqualTo(26);
  }

  @Test
  void readsUrlListsSkippingCommentsAndBlankLines() throws IOException {
    String list = "\uFEFF# my reading list\n\nhttps://a.example/one\n  https://b.example/two   Two, with a title \r\n#https://c.example/\n";
    List<ImportEntry> all = readAll(new ByteArrayInputStream(list.getBytes(StandardCharsets.UTF_8)));
    assertThat(all).extracting(ImportEntry::url).containsExactly("https://a.example/one", "https://b.example/two");
    assertThat(all.get(1).title()).isEqualTo("Two, with a title");
    assertThat(all.get(1).line()).isEqualTo(4);
  }

  @Test
  void aMillionLineListStreamsThroughWithoutBeingHeldInMemory() throws IOException {
    long lines = 1_000_000;
    InputStream generated = new InputStream() {
      long n;
      byte[] current = new byte[0];
      int pos;

      @Override
      public int read() {
        if (pos == current.length) {
          if (n == lines) return -1;
          current = ("https://example.com/page/" + n++ + "\n").getBytes(StandardCharsets.US_ASCII);
          pos = 0;
        }
        return current[pos++];
      }
    };
    long count = 0;
    String last = null;
    try (ImportReader r = ImportReader.open(generated)) {
      ImportEntry e;
      while ((e = r.next()) != null) {
        count++;
        last = e.url();
      }
    }
    assertThat(count).isEqualTo(lines);
    assertThat(last).isEqualTo("https://example.com/page/999999");
  }

  @Test
  void anUnclosedAnchorDoesNotSwallowTheRestOfTheFile() throws IOException {
    String html = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><H3>F</H3>\n<DL><p>\n<DT><A HREF=\"https://a.example/\">no close\n"
        + "<DT><A HREF=\"https://b.example/\">B</A>\n</DL><p>\n<DT><A HREF='https://c.example/'>C</A>\n</DL>";
    List<ImportEntry> all = readAll(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    assertThat(all).extracting(ImportEntry::url).containsExactly("https://a.example/", "https://b.example/", "https://c.example/");
    assertThat(all.get(1).tags()).containsExactly("F");
    assertThat(all.get(2).tags()).isEmpty();
  }
}

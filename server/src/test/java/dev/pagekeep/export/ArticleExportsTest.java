package dev.pagekeep.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.store.ArchiveStore.StoredCapture;
import dev.pagekeep.store.Blob;
import dev.pagekeep.store.MapDbArchiveStore;
import dev.pagekeep.testing.Captures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Markdown and site exports of a fixture article holding code, fences, nested lists, a table and images. */
class ArticleExportsTest {
  static final String TS = "20240305101500";
  static final String ARTICLE = "https://blog.example/posts/fences";
  static final String OTHER = "https://blog.example/posts/other";
  static final String CHART = "https://cdn.example/img/chart.png";
  static final String ICON = "https://cdn.example/img/icon.svg";
  static final String CSS = "https://blog.example/site.css";
  static final String BG = "https://blog.example/bg.gif";
  static final String HTML = """
      <!doctype html><html><head><meta charset="utf-8"><title>Fences and backticks</title>
      <link rel="stylesheet" href="/site.css"></head><body><nav>Home | Archive | About</nav>
      <article><h1>Fences and backticks</h1>
      <p>This article is long enough for the reader view to keep it whole, and it is about code in prose. Use
      <code>a `b` c</code> to quote a backtick, and <code>x*y_z</code> stays as it is; the star is not emphasis.</p>
      <pre><code class="language-python">def f():
          ```
          return 1 &lt; 2 and "quotes" and 'single'


          x = '''
      </code></pre>
      <p>Lists nest, and the reader view keeps them nested, which a flat text dump would lose entirely.</p>
      <ul><li>one<ul><li>one.a</li><li>one.b<ol><li>deep</li></ol></li></ul></li><li>two</li></ul>
      <table><thead><tr><th>Name</th><th>Value</th></tr></thead>
      <tbody><tr><td>pipe a|b</td><td>1</td></tr><tr><td>code</td><td><code>2</code></td></tr></tbody></table>
      <p>A chart of the results: <img src="/img-abs-placeholder" alt="A chart"> and an icon <img src="https://cdn.example/img/icon.svg" alt="icon">
      and a picture nobody archived <img src="https://cdn.example/img/gone.png" alt="gone">. See <a href="/posts/other">the other post</a>
      and <a href="https://elsewhere.example/x">a live page</a>.</p>
      </article><script>alert(1)</script></body></html>
      """.replace("/img-abs-placeholder", CHART);

  MapDbArchiveStore store;
  byte[] png;

  @BeforeEach
  void archive() {
    store = MapDbArchiveStore.inMemory();
    png = new byte[2000];
    new Random(7).nextBytes(png);
    png[0] = (byte) 0x89;
    List<StoredCapture> reqs = List.of(
        resource(CHART, "image/png", png),
        resource(ICON, "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script><circle r=\"4\"/></svg>".getBytes(StandardCharsets.UTF_8)),
        resource(CSS, "text/css", "body{background:url(/bg.gif) repeat;color:#123}".getBytes(StandardCharsets.UTF_8)),
        resource(BG, "image/gif", "GIF89a-bytes".getBytes(StandardCharsets.UTF_8)));
    StoredCapture page = Captures.page(ARTICLE, TS, HTML, reqs.stream().map(r -> r.capture().id()).toList());
    store.putSnapshot(page, reqs);
    store.putSnapshot(Captures.page(OTHER, "20240301000000", "<!doctype html><title>Other</title><p>Another post, with a link back to "
        + "<a href=\"/posts/fences\">the fences</a>.</p>", List.of()), List.of());
  }

  @AfterEach
  void close() {
    store.close();
  }

  static StoredCapture resource(String url, String type, byte[] bytes) {
    Blob b = Blob.of(bytes);
    return new StoredCapture(new Capture(UrlKeys.urlKey(url), url, TS, Capture.RESOURCE, 200, type, url,
        List.of("Content-Type: " + type), b.digest(), b.size(), null, null, List.of(), "requisite", null), b, null);
  }

  static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) files.put(e.getName(), in.readAllBytes());
    }
    return files;
  }

  static String dir(String url, String ts) {
    return ts.substring(0, 4) + "/" + UrlKeys.urlKey(url);
  }

  @Test
  void markdownKeepsCodeVerbatimNestedListsTablesAndImagesAsFilesBesideIt() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipSink sink = new ZipSink(out)) {
      assertThat(new MarkdownExporter(store).write(sink)).isEqualTo(2);
    }
    Map<String, byte[]> files = unzip(out.toByteArray());
    String dir = dir(ARTICLE, TS);
    String md = new String(files.get(dir + "/index.md"), StandardCharsets.UTF_8);
    assertThat(md).startsWith("title: Fences and backticks\nurl: " + ARTICLE + "\nhash_url: " + UrlKeys.hashUrl(ARTICLE) + "\n\n");
    // inline code verbatim, backticks included, in a longer run of backticks
    assertThat(md).contains("``a `b` c``").contains("`x*y_z`");
    // the <pre> in a fence longer than the ``` it holds, every line as it was
    assertThat(md).contains("````\ndef f():\n    ```\n    return 1 < 2 and \"quotes\" and 'single'\n\n\n    x = '''\n````");
    // nested lists
    assertThat(md).contains("* one\n  * one.a\n  * one.b\n    1. deep\n* two");
    // a GFM table, the pipe in a cell escaped
    assertThat(md).containsPattern("\\|\\s+Name\\s+\\|\\s+Value\\s+\\|\n\\|-+\\|-+\\|\n\\| pipe a\\\\\\|b \\|\\s+1\\s+\\|\n\\| code\\s+\\| `2`\\s+\\|");
    // images: files written beside the Markdown with the archived bytes; the SVG sanitized; the missing one a link
    String chart = "files/" + Blob.of(png).digest().substring(0, 16) + ".png";
    assertThat(md).contains("![A chart](" + chart + ")");
    assertThat(files.get(dir + "/" + chart)).isEqualTo(png);
    String icon = files.keySet().stream().filter(f -> f.startsWith(dir + "/files/") && f.endsWith(".svg")).findFirst().orElseThrow();
    assertThat(md).contains("![icon](" + icon.substring(dir.length() + 1) + ")");
    assertThat(new String(files.get(icon), StandardCharsets.UTF_8)).contains("circle").doesNotContain("script");
    assertThat(md).contains("[gone](https://cdn.example/img/gone.png)");
    assertThat(md).contains("[a live page](https://elsewhere.example/x)").doesNotContain("alert").doesNotContain("Home | Archive");
    assertThat(new String(files.get("index.md"), StandardCharsets.UTF_8))
        .contains("(" + dir + "/index.md)").contains("(" + dir(OTHER, "20240301000000") + "/index.md)");
  }

  @Test
  void siteWritesThePageAsReplayedWithItsRequisitesBesideItLocalLinksAndAReaderView() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipSink sink = new ZipSink(out)) {
      assertThat(new SiteExporter(store).write(sink)).isEqualTo(2);
    }
    Map<String, byte[]> files = unzip(out.toByteArray());
    String dir = dir(ARTICLE, TS);
    String otherDir = dir(OTHER, "20240301000000");
    String page = new String(files.get(dir + "/index.html"), StandardCharsets.UTF_8);
    assertThat(page).contains("Home | Archive | About"); // the whole page, not the reader view
    assertThat(page).contains("http-equiv=\"Content-Security-Policy\"").doesNotContain("<script").doesNotContain("/web/")
        .doesNotContain("pagekeep-export-");
    String chart = "files/" + Blob.of(png).digest().substring(0, 16) + ".png";
    assertThat(page).contains("src=\"" + chart + "\"");
    assertThat(files.get(dir + "/" + chart)).isEqualTo(png);
    assertThat(page).contains("href=\"../../" + otherDir + "/index.html\"");
    assertThat(page).contains("href=\"https://elsewhere.example/x\"");
    // the missing image points nowhere
    assertThat(page).doesNotContain("gone.png");
    String css = files.keySet().stream().filter(f -> f.startsWith(dir + "/files/") && f.endsWith(".css")).findFirst().orElseThrow();
    assertThat(page).contains("href=\"" + css.substring(dir.length() + 1) + "\"");
    String cssText = new String(files.get(css), StandardCharsets.UTF_8);
    String bg = files.keySet().stream().filter(f -> f.startsWith(dir + "/files/") && f.endsWith(".gif")).findFirst().orElseThrow();
    assertThat(cssText).contains("url(\"" + bg.substring(dir.length() + "/files/".length()) + "\")").doesNotContain("http");
    String reader = new String(files.get(dir + "/reader.html"), StandardCharsets.UTF_8);
    assertThat(reader).contains("Fences and backticks").contains("x*y_z").doesNotContain("Home | Archive").contains("href=\"index.html\"");
    String back = new String(files.get(otherDir + "/index.html"), StandardCharsets.UTF_8);
    assertThat(back).contains("href=\"../../" + dir + "/index.html\"");
    String index = new String(files.get("index.html"), StandardCharsets.UTF_8);
    assertThat(index).contains("href=\"" + dir + "/index.html\"").contains("href=\"" + dir + "/reader.html\"").contains("2 articles");
  }

  @Test
  void siteEscapesAHostileTitleAndUrlAndWritesTheOneStylesheet() throws Exception {
    String evil = "https://evil.example/a?q=\"><script>alert(1)</script>";
    String title = "\"><script>alert(2)</script></style><b>bold</b>";
    store.putSnapshot(Captures.page(evil, "20240302000000", "<!doctype html><title>" + title.replace("<", "&lt;") + "</title>"
        + "<p>A page whose title and address are an attacker's, with enough text for the reader view to keep it.</p>", List.of()), List.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipSink sink = new ZipSink(out)) {
      assertThat(new SiteExporter(store).write(sink)).isEqualTo(3);
    }
    Map<String, byte[]> files = unzip(out.toByteArray());
    assertThat(files.get("page.css")).isEqualTo(dev.pagekeep.page.Pages.stylesheet());
    org.jsoup.nodes.Document index = org.jsoup.Jsoup.parse(new String(files.get("index.html"), StandardCharsets.UTF_8));
    org.jsoup.nodes.Document reader = org.jsoup.Jsoup.parse(new String(files.get(dir(evil, "20240302000000") + "/reader.html"), StandardCharsets.UTF_8));
    for (org.jsoup.nodes.Document d : List.of(index, reader)) {
      assertThat(d.select("script, b, style")).isEmpty();
      assertThat(d.select("meta[http-equiv=Content-Security-Policy]").attr("content")).isEqualTo(SiteExporter.CSP);
    }
    assertThat(index.select("link[rel=stylesheet]").attr("href")).isEqualTo("page.css");
    assertThat(index.select("ol > li")).hasSize(3);
    assertThat(index.select("ol > li a").eachText()).contains(title);
    assertThat(index.select("ol > li small").eachText()).anyMatch(t -> t.startsWith(evil + " · "));
    assertThat(reader.select("link[rel=stylesheet]").attr("href")).isEqualTo("../../page.css");
    assertThat(reader.title()).isEqualTo(title);
    assertThat(reader.select("h1").text()).isEqualTo(title);
    assertThat(reader.select("header a[rel=noreferrer]").attr("href")).isEqualTo(evil);
  }
}

package dev.pagekeep.reader;

import dev.pagekeep.capture.Fixtures;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ReaderViewTest {
  private static final String URL = "https://site.example/article.html";

  @Test
  void extractsTheArticleWithoutNavigationAdsOrScripts() {
    ReaderView.Article article = ReaderView.extract(Fixtures.text("article.html"), URL);

    assertThat(article.title()).contains("Why Tidal Clocks Drift");
    assertThat(article.byline()).contains("Ada Marlowe");
    assertThat(article.contentHtml()).contains("The first reason is mechanical", "Finally there is the keeper")
        .contains("src=\"https://site.example/static/img/article-figure.png\"")
        .doesNotContain("<script", "Advertisement", "Subscribe", "Copyright", "tracking");
    assertThat(article.text().lines().filter(l -> l.startsWith("Tidal clocks") || l.startsWith("The second reason")))
        .hasSize(2);
  }

  @Test
  void sanitizesTheExtractedContent() {
    String html = "<html><head><title>T</title></head><body><article><h1>T</h1>"
        + ("<p onclick='steal()'>Long enough paragraph of article text, with commas, to be kept by readability. "
        + "<a href='javascript:alert(1)'>x</a><img src=a.png onerror=alert(1)></p>").repeat(8)
        + "<script>alert(2)</script></article></body></html>";

    ReaderView.Article article = ReaderView.extract(html, URL);

    assertThat(article.contentHtml()).contains("Long enough paragraph", "https://site.example/a.png")
        .doesNotContain("onclick", "onerror", "javascript", "<script", "alert");
  }

  @Test
  void fallsBackToPlainTextForPathologicalOrEmptyPages() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      ReaderView.Article deep = ReaderView.extract("<title>Deep</title>" + "<div>".repeat(100_000) + "bottom text", URL);
      assertThat(deep.title()).isEqualTo("Deep");
      assertThat(deep.text()).isEqualTo("bottom text");
      assertThat(deep.contentHtml()).isEqualTo("<p>bottom text</p>\n");

      ReaderView.Article empty = ReaderView.extract("", URL);
      assertThat(empty.title()).isEmpty();
      assertThat(empty.text()).isEmpty();
    });
  }

  @Test
  void tidyDropsPermalinkMarksAndTheRepeatedTitle() {
    String para = "<p>Sphinx builds documentation, and every heading carries a permalink that readers never need to see. </p>";
    String html = "<html><head><title>Installing the package \u2014 Demo 1.0 documentation</title></head><body><div class=body>"
        + "<h1>Installing the package<a class=headerlink href='#installing' title='Permalink to this heading'>\u00b6</a></h1>"
        + para.repeat(4)
        + "<h2 id=req>Requirements<a class=headerlink href='#req'>\u00b6</a></h2>" + para.repeat(3)
        + "<h2 id=gh><a class=anchor aria-hidden=true href='#gh'><svg></svg></a>GitHub style</h2>" + para.repeat(2)
        + "<h3>Mkdocs<a class=headerlink href='#mk'>#</a></h3><p>See <a href='#req'>the requirements</a> and <a href='https://example.org/x'>x</a>.</p>"
        + "</div></body></html>";
    ReaderView.Article a = ReaderView.extract(html, URL);
    org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parseBodyFragment(a.contentHtml(), URL);
    assertThat(ReaderView.tidy(doc.body(), a.title())).isEqualTo("Installing the package");
    String out = doc.body().html();
    assertThat(out).doesNotContain("\u00b6").doesNotContain(">#<").doesNotContain("Installing the package")
        .contains("Requirements").contains("GitHub style").contains("Mkdocs")
        .contains(">the requirements</a>").contains(">x</a>");
    assertThat(doc.body().select("h2").eachText()).containsExactly("Requirements", "GitHub style");
  }
}

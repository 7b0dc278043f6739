package dev.pagekeep.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

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
}

package dev.pagekeep.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

class NotArchivedPageTest {
  static final String HOSTILE = "https://x.test/a?q=\"><script>alert(1)</script>&b=<img src=x onerror=alert(2)>";

  private static Document parse(Replayer.Reply r) {
    return Jsoup.parse(new String(r.body(), StandardCharsets.UTF_8));
  }

  @Test
  void namesTheUrlAndOffersArchiveItNowBehindPagekeepsOwnScript() {
    Replayer.Reply r = NotArchivedPage.render("https://example.org/article");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.contentType()).isEqualTo("text/html; charset=utf-8");
    Document d = parse(r);
    assertThat(d.select("h1").text()).isEqualTo("Not in the archive");
    assertThat(d.select("code").text()).isEqualTo("https://example.org/article");
    assertThat(d.getElementById("pagekeep-archive-now").attr("data-url")).isEqualTo("https://example.org/article");
    assertThat(d.getElementById("pagekeep-archive-now").hasAttr("hidden")).as("shown by the script only").isTrue();
    assertThat(d.getElementById("pagekeep-archive-button").text()).isEqualTo("Archive it now");
    assertThat(d.select("script").eachAttr("src")).containsExactly("/ui/not-archived.js");
  }

  @Test
  void isNeverCachedSinceTheUrlMayBeArchivedAMinuteLater() {
    assertThat(NotArchivedPage.render("https://example.org/").headers()).containsEntry("Cache-Control", "no-store");
  }

  @Test
  void runsOnlyPagekeepsFilesAndPostsNoForms() {
    String csp = NotArchivedPage.render("https://example.org/").headers().get("Content-Security-Policy");
    assertThat(csp).isEqualTo(NotArchivedPage.CSP);
    assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
        "form-action 'none'", "base-uri 'none'", "object-src 'none'").doesNotContain("unsafe");
  }

  @Test
  void aHostileUrlStaysText() {
    Document d = parse(NotArchivedPage.render(HOSTILE));
    assertThat(d.select("script").eachAttr("src")).containsExactly("/ui/not-archived.js");
    assertThat(d.select("img")).isEmpty();
    assertThat(d.select("code").text()).isEqualTo(HOSTILE);
    assertThat(d.getElementById("pagekeep-archive-now").attr("data-url")).isEqualTo(HOSTILE);
  }

  @Test
  void anAddressThatIsNotHttpIsNamedButNeitherLinkedNorOffered() {
    Document d = parse(NotArchivedPage.render("javascript:alert(1)"));
    assertThat(d.select("code").text()).isEqualTo("javascript:alert(1)");
    assertThat(d.getElementById("pagekeep-archive-now")).isNull();
    assertThat(d.select("a").eachAttr("href")).containsExactly("/");
  }

  @Test
  void theSealedPageForARequisiteEscapesAHostileUrlAndLinksTheOneStylesheet() {
    try (dev.pagekeep.store.MapDbArchiveStore store = dev.pagekeep.store.MapDbArchiveStore.inMemory()) {
      Replayer.Reply r = new Replayer(store).replay(WaybackUrl.parse("20240101000000im_/" + HOSTILE));
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.headers()).containsEntry("Content-Security-Policy", Replayer.CSP);
      Document d = parse(r);
      assertThat(d.select("script, img, [onerror]")).isEmpty();
      assertThat(d.select("code").text()).isEqualTo(HOSTILE);
      assertThat(d.select("link[rel=stylesheet]").eachAttr("href")).containsExactly(dev.pagekeep.page.Pages.STYLESHEET);
      assertThat(d.select("style, [style]")).isEmpty();
    }
  }
}

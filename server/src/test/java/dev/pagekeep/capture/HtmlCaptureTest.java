package dev.pagekeep.capture;

import static dev.pagekeep.capture.Fixtures.STATIC;
import static dev.pagekeep.capture.Fixtures.SITE;
import static dev.pagekeep.capture.Fixtures.utf8;
import static dev.pagekeep.capture.Requisite.Kind.FONT;
import static dev.pagekeep.capture.Requisite.Kind.FRAME;
import static dev.pagekeep.capture.Requisite.Kind.ICON;
import static dev.pagekeep.capture.Requisite.Kind.IMAGE;
import static dev.pagekeep.capture.Requisite.Kind.MEDIA;
import static dev.pagekeep.capture.Requisite.Kind.OTHER;
import static dev.pagekeep.capture.Requisite.Kind.STYLESHEET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HtmlCaptureTest {
  private static final String PAGE = "https://example.com/dir/page.html";

  private static ParsedPage parse(String html) {
    return HtmlCapture.parse(utf8(html), "text/html; charset=utf-8", PAGE);
  }

  private static List<String> urls(ParsedPage page) {
    return page.requisites().stream().map(Requisite::url).toList();
  }

  @Test
  void findsEveryRequisiteKindOfTheFixtureSiteResolvedAgainstBaseHref() {
    ParsedPage page = HtmlCapture.parse(Fixtures.bytes("index.html"), "text/html", Fixtures.INDEX);

    assertThat(page.baseUrl()).isEqualTo(STATIC);
    assertThat(page.requisites()).containsExactlyInAnyOrder(
        new Requisite(STATIC + "css/site.css", STYLESHEET),
        new Requisite(STATIC + "icons/favicon.png", ICON),
        new Requisite(STATIC + "icons/favicon.ico", ICON),
        new Requisite(STATIC + "icons/apple-touch-icon.png", ICON),
        new Requisite(STATIC + "icons/mask-icon.svg", ICON),
        new Requisite(STATIC + "css/print.css", STYLESHEET),
        new Requisite(STATIC + "img/hero.gif", IMAGE),
        new Requisite(STATIC + "css/noscript.css", STYLESHEET),
        new Requisite(STATIC + "img/body-bg.png", IMAGE),
        new Requisite(STATIC + "img/inline-bg.png", IMAGE),
        new Requisite(STATIC + "img/logo.png", IMAGE),
        new Requisite(STATIC + "img/photo-1x.png", IMAGE),
        new Requisite(STATIC + "img/photo-2x.png", IMAGE),
        new Requisite(STATIC + "img/wide.png", IMAGE),
        new Requisite(STATIC + "img/narrow.png", IMAGE),
        new Requisite(STATIC + "img/lazy.png", IMAGE),
        new Requisite(STATIC + "img/lazy-2x.png", IMAGE),
        new Requisite(STATIC + "img/lazy-original.png", IMAGE),
        new Requisite(STATIC + "img/lazy-src.png", IMAGE),
        new Requisite(STATIC + "img/poster.png", IMAGE),
        new Requisite(STATIC + "media/clip.webm", MEDIA),
        new Requisite(STATIC + "media/captions.vtt", MEDIA),
        new Requisite(STATIC + "media/sound.mp3", MEDIA),
        new Requisite(STATIC + "img/button.png", IMAGE),
        new Requisite(STATIC + "img/sprite.svg", IMAGE),
        new Requisite(STATIC + "img/svg-image.png", IMAGE),
        new Requisite(SITE + "frame.html", FRAME),
        new Requisite(STATIC + "img/chart.png", OTHER),
        new Requisite(STATIC + "media/plugin.swf", OTHER),
        new Requisite(STATIC + "img/table-bg.png", IMAGE),
        new Requisite(STATIC + "img/icon.svg", IMAGE));
    assertThat(urls(page)).noneMatch(u -> u.contains("/js/") || u.contains("fonts/") || u.contains("manifest"));
  }

  @Test
  void findsImagesInSrcsetAndLazyAttributes() {
    ParsedPage page = parse("<img src=a.png srcset='b.png 1x, c,1.png 2x'>"
        + "<img data-src=d.png data-srcset='e.png 100w, f.png 200w'><img data-lazy-src=g.png><img data-original=h.png>"
        + "<picture><source srcset='i.webp' type=image/webp><img src=j.png></picture>");

    assertThat(urls(page)).containsExactly(Stream.of("a.png", "b.png", "c,1.png", "d.png", "e.png", "f.png",
        "g.png", "h.png", "i.webp", "j.png").map(name -> "https://example.com/dir/" + name).toArray(String[]::new));
    assertThat(page.requisites()).allMatch(r -> r.kind() == IMAGE);
  }

  @Test
  void findsCssUrlsInStyleBlocksAndStyleAttributes() {
    ParsedPage page = parse("<style>@import 'x.css'; @font-face{src:url(f.woff2)} p{background:url(\"/bg.png\")}</style>"
        + "<p style='background-image: url(inline.jpg)'>x</p>");

    assertThat(page.requisites()).containsExactly(
        new Requisite("https://example.com/dir/x.css", STYLESHEET),
        new Requisite("https://example.com/dir/f.woff2", FONT),
        new Requisite("https://example.com/bg.png", IMAGE),
        new Requisite("https://example.com/dir/inline.jpg", IMAGE));
  }

  @Test
  void skipsScriptsDataUrlsFragmentsAndOtherSchemes() {
    ParsedPage page = parse("<script src=app.js></script><img src='data:image/png;base64,AAAA'>"
        + "<img src='javascript:alert(1)'><img src='ftp://x/y.png'><svg><use href='#icon'/></svg>"
        + "<link rel=preload href=font.woff2 as=font><img src='//cdn.example.net/ok.png'>");

    assertThat(urls(page)).containsExactly("https://cdn.example.net/ok.png");
  }

  @Test
  void resolvesRelativeUrlsAsABrowserDoesDotSegmentsAboveTheRootStayAtTheRoot() {
    ParsedPage fromRoot = HtmlCapture.parse(utf8("<link rel=stylesheet href='../_static/x.css'><img src='a/./b/../c.png'>"
        + "<img src='../../../up.png'><img src='sp ace.png'>"), "text/html", "https://example.com/index.html");
    assertThat(urls(fromRoot)).containsExactly("https://example.com/_static/x.css", "https://example.com/a/c.png",
        "https://example.com/up.png", "https://example.com/sp%20ace.png");
    assertThat(urls(parse("<img src='../img/x.png'>"))).containsExactly("https://example.com/img/x.png");
  }

  @Test
  void deduplicatesAndCapsRequisitesPerPage() {
    StringBuilder html = new StringBuilder("<img src=same.png><img src=./same.png>");
    for (int i = 0; i < 700; i++) html.append("<img src=i").append(i).append(".png>");

    List<String> urls = urls(parse(html.toString()));

    assertThat(urls).hasSize(HtmlCapture.MAX_REQUISITES).doesNotHaveDuplicates();
    assertThat(urls.get(0)).isEqualTo("https://example.com/dir/same.png");
  }

  @Test
  void extractsVisibleTextOneLinePerBlockWithoutScriptStyleOrNoscript() {
    ParsedPage page = parse("<head><title> The  Title </title><style>p{}</style></head><body>"
        + "<h1>Head\u00a0line</h1><p>First   <b>bold</b>\n para.</p><script>var hidden=1</script>"
        + "<noscript>enable js</noscript><ul><li>one</li><li>two</li></ul>tail<br>after break</body>");

    assertThat(page.title()).isEqualTo("The Title");
    assertThat(page.text()).isEqualTo("Head line\nFirst bold para.\none\ntwo\ntail\nafter break");
  }

  @Test
  void fallsBackToOgTitleThenFirstHeading() {
    assertThat(parse("<meta property=og:title content='OG title'><h1>H</h1>").title()).isEqualTo("OG title");
    assertThat(parse("<h1>First <i>heading</i></h1><h1>Second</h1>").title()).isEqualTo("First heading");
    assertThat(parse("<p>none</p>").title()).isEmpty();
  }

  @Test
  void collectsAbsoluteHttpLinksWithoutFragmentsOrDuplicates() {
    ParsedPage page = parse("<a href=a.html>a</a><a href='a.html#part'>a again</a><a href='#top'>top</a>"
        + "<a href='mailto:x@y'>m</a><a href='javascript:void(0)'>j</a><a href='https://other.org/'>o</a>"
        + "<map><area href='/area'></map><a>no href</a>");

    assertThat(page.links()).containsExactly("https://example.com/dir/a.html", "https://other.org/",
        "https://example.com/area");
  }

  @Test
  void reportsTheCharsetUsedAndTheFixtureTextAndLinks() {
    ParsedPage page = HtmlCapture.parse(Fixtures.bytes("index.html"), null, Fixtures.INDEX);

    assertThat(page.charset()).isEqualTo("UTF-8");
    assertThat(page.title()).isEqualTo("pagekeep fixture: every requisite kind");
    assertThat(page.text()).contains("Fixture site\nThis page uses every kind").doesNotContain("SCRIPT RAN", "alert");
    assertThat(page.links()).containsExactly(SITE + "about.html", "https://elsewhere.example/page");
  }

  @Test
  void survivesHostileInputWithinBoundedTime() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      String deep = "<div>".repeat(100_000) + "deep text" + "<img src=deep.png>";
      assertThat(parse(deep).text()).isEqualTo("deep text");
      assertThat(urls(parse(deep))).containsExactly("https://example.com/dir/deep.png");

      String huge = "x".repeat(5_000_000);
      ParsedPage hugeAttrs = parse("<img src='" + huge + "' srcset='" + "a.png 1x, ".repeat(200_000) + "'>");
      assertThat(hugeAttrs.requisites()).hasSizeLessThanOrEqualTo(2);

      byte[] invalidUtf8 = {'<', 'p', '>', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, 'o', 'k'};
      assertThat(HtmlCapture.parse(invalidUtf8, "text/html; charset=utf-8", PAGE).text()).endsWith("ok");

      assertThat(HtmlCapture.parse(new byte[0], null, PAGE).text()).isEmpty();
      byte[] png = Fixtures.bytes("static/img/logo.png");
      ParsedPage binary = HtmlCapture.parse(png, "image/png", PAGE);
      assertThat(binary.text()).isEmpty();
      assertThat(binary.requisites()).isEmpty();
      assertThat(HtmlCapture.parse(utf8("<a href=x>"), "text/html", "not a url").links()).isEmpty();
    });
  }

  @Test
  void rejectsNullArguments() {
    assertThrows(NullPointerException.class, () -> HtmlCapture.parse(null, null, PAGE));
    assertThrows(NullPointerException.class, () -> HtmlCapture.parse(new byte[0], null, null));
  }
}

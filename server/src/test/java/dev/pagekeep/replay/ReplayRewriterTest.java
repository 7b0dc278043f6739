package dev.pagekeep.replay;

import dev.pagekeep.capture.Fixtures;
import dev.pagekeep.capture.HtmlCapture;
import dev.pagekeep.capture.ParsedPage;
import dev.pagekeep.capture.RecordingRewriter;
import dev.pagekeep.capture.Requisite;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import static dev.pagekeep.capture.Fixtures.SITE;
import static dev.pagekeep.capture.Fixtures.STATIC;
import static dev.pagekeep.capture.Fixtures.utf8;
import static dev.pagekeep.capture.RecordingRewriter.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ReplayRewriterTest {
  private static final String PAGE = "https://example.com/dir/page.html";

  private static Document replay(String html, RecordingRewriter rewriter) {
    return Jsoup.parse(ReplayRewriter.rewriteHtml(utf8(html), "text/html", PAGE, rewriter));
  }

  private static Document replay(String html) {
    return replay(html, new RecordingRewriter());
  }

  private static Document replayFixture(RecordingRewriter rewriter) {
    return Jsoup.parse(ReplayRewriter.rewriteHtml(Fixtures.bytes("index.html"), "text/html", Fixtures.INDEX, rewriter));
  }

  @Test
  void sendsEveryCapturedRequisiteOfTheFixtureThroughTheRewriter() {
    RecordingRewriter rewriter = new RecordingRewriter(SITE + "about.html");
    Document doc = replayFixture(rewriter);
    ParsedPage captured = HtmlCapture.parse(Fixtures.bytes("index.html"), "text/html", Fixtures.INDEX);

    for (Requisite r : captured.requisites()) {
      if (r.url().endsWith(".swf")) continue; // the <embed> plugin is removed at replay
      assertThat(rewriter.resources).as(r.url()).contains(r.url());
      assertThat(doc.outerHtml()).as(r.url()).contains(PREFIX + r.url());
    }
    assertThat(doc.select("[src], [href], [poster], [background], [srcset], [data]"))
        .allSatisfy(el -> assertThat(el.attributes().asList()).allSatisfy(this::isArchivedOrHarmless));
  }

  private void isArchivedOrHarmless(Attribute a) {
    if (!Set.of("src", "href", "poster", "background", "srcset", "data", "xlink:href").contains(a.getKey())) return;
    assertThat(a.getValue()).as(a.getKey()).satisfiesAnyOf(
        v -> assertThat(v).startsWith(PREFIX),
        v -> assertThat(v).startsWith("#"),
        v -> assertThat(v).startsWith("data:image/"),
        v -> assertThat(v).startsWith("mailto:"),
        v -> assertThat(v).isEqualTo("https://elsewhere.example/page#top"),
        v -> assertThat(v).isEqualTo(SITE + "index.html")); // rel=canonical, never fetched
  }

  @Test
  void removesEveryScriptEventHandlerAndJavascriptUrlFromTheFixture() {
    String html = replayFixture(new RecordingRewriter()).outerHtml();

    assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("javascript")
        .doesNotContain("alert(", "onload", "onerror", "srcdoc", "ping=", "integrity", "crossorigin", "SCRIPT RAN");
  }

  @Test
  void removesMetaRefreshBaseAndResourceHints() {
    Document doc = replayFixture(new RecordingRewriter());

    assertThat(doc.select("meta[http-equiv]")).isEmpty();
    assertThat(doc.select("base")).isEmpty();
    assertThat(doc.select("link[rel~=(?i)^(preload|dns-prefetch|manifest)$]")).isEmpty();
    assertThat(doc.select("link[rel=stylesheet]").eachAttr("href"))
        .containsExactly(PREFIX + STATIC + "css/site.css", PREFIX + STATIC + "css/noscript.css");
  }

  @Test
  void disablesFormsSoNothingPostsOut() {
    Document doc = replayFixture(new RecordingRewriter());
    Element form = doc.getElementById("form");

    assertThat(form.attr("action")).isEqualTo("about:blank");
    assertThat(form.attr("method")).isEqualTo("get");
    assertThat(form.attr("data-pagekeep-action")).isEqualTo("https://evil.example/collect");
    // Controls stay as drawn (a disabled one is greyed): the CSP and the frame's sandbox stop any submit.
    assertThat(form.select("input, button")).isNotEmpty().noneMatch(el -> el.hasAttr("disabled"));
    assertThat(doc.select("[formaction]")).isEmpty();
    assertThat(doc.outerHtml()).doesNotContain("evil.example/other");
  }

  @Test
  void rewritesArchivedLinksAndMarksLiveOnesKeepingFragments() {
    RecordingRewriter rewriter = new RecordingRewriter(SITE + "about.html");
    Document doc = replayFixture(rewriter);

    assertThat(doc.getElementById("about").attr("href")).isEqualTo(PREFIX + SITE + "about.html");
    assertThat(doc.getElementById("about").hasAttr("data-pagekeep-live")).isFalse();
    assertThat(doc.getElementById("about").attr("target")).as("an archived link opens its replay page in the whole window").isEqualTo("_top");
    Element live = doc.getElementById("elsewhere");
    assertThat(live.attr("href")).isEqualTo("https://elsewhere.example/page#top");
    assertThat(live.attr("target")).isEqualTo("_blank");
    assertThat(live.attr("rel")).isEqualTo("noopener noreferrer");
    assertThat(live.attr("title")).containsIgnoringCase("leaves the archive");
    assertThat(live.hasAttr("data-pagekeep-live")).isTrue();
    assertThat(doc.getElementById("fragment").attr("href")).isEqualTo("#intro");
    assertThat(doc.getElementById("js").hasAttr("href")).isFalse();
    assertThat(doc.getElementById("js-tab").hasAttr("href")).isFalse();
    assertThat(rewriter.links).containsExactly(SITE + "about.html", "https://elsewhere.example/page");
  }

  @Test
  void promotesLazyAttributesAndDropsTheDuplicateNoscriptImage() {
    Document doc = replayFixture(new RecordingRewriter());
    Element lazy = doc.getElementById("lazy");

    assertThat(lazy.attr("src")).isEqualTo(PREFIX + STATIC + "img/lazy.png");
    assertThat(lazy.attr("srcset")).isEqualTo(PREFIX + STATIC + "img/lazy.png 1x, " + PREFIX + STATIC + "img/lazy-2x.png 2x");
    assertThat(lazy.hasAttr("data-src")).isFalse();
    assertThat(lazy.hasClass("lazyloaded")).isTrue();
    assertThat(doc.getElementById("lazy-original").attr("src")).isEqualTo(PREFIX + STATIC + "img/lazy-original.png");
    assertThat(doc.getElementById("lazy-src").attr("src")).isEqualTo(PREFIX + STATIC + "img/lazy-src.png");
    assertThat(doc.select("img[alt=lazy fallback]")).isEmpty();
    assertThat(doc.select("noscript")).isEmpty();
  }

  @Test
  void keepsNoscriptContentVisibleBecauseReplayRunsNoScript() {
    Document doc = replay("<noscript><p id=fallback>Please enable JavaScript</p><img src=real.png></noscript>");

    assertThat(doc.select("noscript")).isEmpty();
    assertThat(doc.getElementById("fallback")).isNotNull();
    assertThat(doc.select("img").attr("src")).isEqualTo(PREFIX + "https://example.com/dir/real.png");
  }

  @Test
  void rewritesSrcsetStyleBlocksAndInlineStyles() {
    Document doc = replay("<style>@import 'a.css'; p { background: url(b.png) }</style>"
        + "<p style=\"background:url('c.png')\">x</p><img srcset='d.png 1x, e.png 2x'>");

    assertThat(doc.selectFirst("style").data())
        .isEqualTo("@import \"" + PREFIX + "https://example.com/dir/a.css\"; p { background: url(\""
            + PREFIX + "https://example.com/dir/b.png\") }");
    assertThat(doc.selectFirst("p").attr("style")).isEqualTo("background:url(\"" + PREFIX + "https://example.com/dir/c.png\")");
    assertThat(doc.selectFirst("img").attr("srcset"))
        .isEqualTo(PREFIX + "https://example.com/dir/d.png 1x, " + PREFIX + "https://example.com/dir/e.png 2x");
  }

  @Test
  void stripsDangerousUrlsFromAnyAttributeAndFrames() {
    Document doc = replay("<a id=a href=' JaVaScRiPt:alert(1)'>a</a><img id=i src='vbscript:x' alt=ok>"
        + "<iframe id=f src='data:text/html,<script>alert(1)</script>'></iframe>"
        + "<iframe id=g src='data:image/svg+xml,<svg onload=alert(1)>'></iframe>"
        + "<div id=d data-x='javascript:alert(1)' onclick='x()' onmouseover='y()'>d</div>"
        + "<svg><set attributeName=href to='javascript:alert(1)'/><a href='https://x.org/'>s</a></svg>");

    assertThat(doc.getElementById("a").hasAttr("href")).isFalse();
    assertThat(doc.getElementById("i").hasAttr("src")).isFalse();
    assertThat(doc.getElementById("f").attr("src")).isIn("", "about:blank"); // no src loads about:blank too
    assertThat(doc.getElementById("g").attr("src")).isEqualTo("about:blank");
    assertThat(doc.getElementById("d").attributes().size()).isEqualTo(1);
    assertThat(doc.select("set")).isEmpty();
    assertThat(doc.selectFirst("svg a").attr("href")).isEqualTo("https://x.org/");
    assertThat(doc.selectFirst("svg a").hasAttr("data-pagekeep-live")).isTrue();
  }

  @Test
  void removesPluginsTurnsRasterImageObjectsIntoImagesAndKeepsObjectFallback() {
    Document doc = replayFixture(new RecordingRewriter());
    Document inline = replay("<object data=movie.swf type=application/x-shockwave-flash><param name=x value=y>"
        + "<p id=fb>fallback</p></object><applet code=x.class></applet>");

    assertThat(doc.getElementById("plugin")).isNull();
    Element chart = doc.getElementById("chart");
    assertThat(chart.normalName()).isEqualTo("img");
    assertThat(chart.attr("src")).isEqualTo(PREFIX + STATIC + "img/chart.png");
    assertThat(chart.attr("alt")).isEqualTo("chart");
    assertThat(chart.attr("width")).isEqualTo("16");
    assertThat(inline.select("object, param, applet, embed")).isEmpty();
    assertThat(inline.getElementById("fb")).isNotNull();
  }

  @Test
  void outputsUtf8WithOneMetaCharsetFirstInHead() {
    byte[] latin1 = "<html><head><title>x</title><meta http-equiv=Content-Type content='text/html; charset=iso-8859-1'><meta charset=iso-8859-1></head><body>caf\u00e9</body></html>"
        .getBytes(Charset.forName("windows-1252"));

    String out = ReplayRewriter.rewriteHtml(latin1, null, PAGE, new RecordingRewriter());
    Document doc = Jsoup.parse(out);

    assertThat(out).contains("caf\u00e9");
    assertThat(doc.select("meta[charset]")).hasSize(1);
    assertThat(doc.head().child(0).outerHtml()).isEqualTo("<meta charset=\"utf-8\">");
    assertThat(doc.select("meta[http-equiv]")).isEmpty();
  }

  @Test
  void rewritesStylesheetsAndDropsTheirCharsetRule() {
    RecordingRewriter rewriter = new RecordingRewriter();
    String css = ReplayRewriter.rewriteCss(Fixtures.bytes("static/css/site.css"), "text/css", STATIC + "css/site.css", rewriter);

    assertThat(css).doesNotContain("@charset")
        .contains("@import \"" + PREFIX + STATIC + "css/base.css\"")
        .contains("url(\"" + PREFIX + STATIC + "fonts/sans.woff2\")")
        .contains("url(\"" + PREFIX + STATIC + "img/bg.png\")")
        .contains("url(#clip-shape)", "content: \"url(not-a-url.png)\"", "url(../img/commented-out.png)");
    byte[] latin1Css = "@charset \"iso-8859-1\"; p::before { content: \"\u00e9\" }".getBytes(Charset.forName("ISO-8859-1"));
    assertThat(ReplayRewriter.rewriteCss(latin1Css, null, STATIC + "x.css", rewriter)).contains("\u00e9");
  }

  @Test
  void neverThrowsOnHostileInput() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      RecordingRewriter rewriter = new RecordingRewriter();
      String deep = ReplayRewriter.rewriteHtml(utf8("<div>".repeat(100_000) + "<script>x</script><img src=a.png>"), null, PAGE, rewriter);
      assertThat(deep).doesNotContain("<script").contains(PREFIX + "https://example.com/dir/a.png");
      String huge = ReplayRewriter.rewriteHtml(utf8("<img srcset='" + "a.png 1x, ".repeat(100_000) + "' alt='"
          + "y".repeat(3_000_000) + "' onerror=x>"), null, PAGE, rewriter);
      assertThat(huge).doesNotContain("onerror");
      assertThat(ReplayRewriter.rewriteHtml(new byte[0], null, PAGE, rewriter)).contains("<meta charset=\"utf-8\">");
      assertThat(ReplayRewriter.rewriteHtml(Fixtures.bytes("static/img/logo.png"), "image/png", PAGE, rewriter))
          .contains("<meta charset=\"utf-8\">").doesNotContain("PNG");
      assertThat(ReplayRewriter.rewriteHtml(new byte[] {(byte) 0xFF, (byte) 0xFE, '<', 0}, null, PAGE, rewriter)).isNotNull();
      assertThat(ReplayRewriter.rewriteCss(utf8("@import 'x.css"), null, PAGE, rewriter)).startsWith("@import");
    });
  }

  @Test
  void rejectsNullArguments() {
    assertThrows(NullPointerException.class, () -> ReplayRewriter.rewriteHtml(new byte[0], null, PAGE, null));
    assertThrows(NullPointerException.class, () -> ReplayRewriter.sanitizeSvg(null));
  }
}

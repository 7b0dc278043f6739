package dev.pagekeep.capture;

import static dev.pagekeep.capture.Fixtures.STATIC;
import static dev.pagekeep.capture.RecordingRewriter.PREFIX;
import static dev.pagekeep.capture.Requisite.Kind.FONT;
import static dev.pagekeep.capture.Requisite.Kind.IMAGE;
import static dev.pagekeep.capture.Requisite.Kind.STYLESHEET;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CssCaptureTest {
  private static final String CSS_URL = "https://example.com/css/main.css";

  @Test
  void classifiesImportsFontsAndImagesOfTheFixtureStylesheet() {
    assertThat(CssCapture.requisites(Fixtures.text("static/css/site.css"), STATIC + "css/site.css")).containsExactly(
        new Requisite(STATIC + "css/base.css", STYLESHEET),
        new Requisite(STATIC + "fonts/sans.woff2", FONT),
        new Requisite(STATIC + "fonts/sans.woff", FONT),
        new Requisite(STATIC + "img/bg.png", IMAGE));
  }

  @Test
  void recognisesEveryUrlSyntaxAndFontsOutsideFontFaceByExtension() {
    String css = "@import url(a.css) screen; @IMPORT 'b.css'; @import url( \"c.css\" );"
        + "p{background:URL( d.png )} q{src:url(e.ttf?v=1)} r{x:url(f\\.png)} s{x:url('g\\'h.png')}";

    assertThat(CssCapture.requisites(css, CSS_URL)).containsExactly(
        new Requisite("https://example.com/css/a.css", STYLESHEET),
        new Requisite("https://example.com/css/b.css", STYLESHEET),
        new Requisite("https://example.com/css/c.css", STYLESHEET),
        new Requisite("https://example.com/css/d.png", IMAGE),
        new Requisite("https://example.com/css/e.ttf?v=1", FONT),
        new Requisite("https://example.com/css/f.png", IMAGE),
        new Requisite("https://example.com/css/g'h.png", IMAGE));
  }

  @Test
  void ignoresCommentsStringsFragmentsDataUrlsAndLookalikeFunctions() {
    String css = "/* url(a.png) @import 'b.css'; */ p::before{content:'url(c.png)'} "
        + "x{clip-path:url(#clip)} y{background:url(data:image/png;base64,AAAA)} z{mask:myurl(d.png)}";

    assertThat(CssCapture.requisites(css, CSS_URL)).isEmpty();
  }

  @Test
  void rewritesEveryImportAndUrlThroughTheRewriter() {
    RecordingRewriter rewriter = new RecordingRewriter();
    String css = "@import 'a.css'; @font-face{src:url(f.woff2)} p{background:url(/img/b.png) no-repeat}";

    String out = CssCapture.rewrite(css, CSS_URL, rewriter);

    assertThat(out).isEqualTo("@import \"" + PREFIX + "https://example.com/css/a.css\"; @font-face{src:url(\""
        + PREFIX + "https://example.com/css/f.woff2\")} p{background:url(\"" + PREFIX + "https://example.com/img/b.png\") no-repeat}");
    assertThat(rewriter.resources).hasSize(3);
  }

  @Test
  void neutralisesOtherSchemesAndEscapesWhatCouldCloseAStyleElement() {
    RecordingRewriter rewriter = new RecordingRewriter();
    String out = CssCapture.rewrite("a{b:url(javascript:alert(1))} c{d:url(data:image/gif;base64,R0)} e{f:url('</style>x.png')}",
        CSS_URL, rewriter);

    assertThat(out).contains("url(\"about:invalid\")", "url(data:image/gif;base64,R0)").doesNotContain("javascript", "</style");
  }

  @Test
  void capsRequisitesAndSurvivesUnterminatedInput() {
    assertThat(CssCapture.requisites("a{b:url(", CSS_URL)).isEmpty();
    assertThat(CssCapture.requisites("@import 'unterminated", CSS_URL)).hasSize(1);
    assertThat(CssCapture.requisites("/* never closed url(a.png)", CSS_URL)).isEmpty();
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 800; i++) many.append("p").append(i).append("{background:url(i").append(i).append(".png)}");
    assertThat(CssCapture.requisites(many.toString(), CSS_URL)).hasSize(CssCapture.MAX_REQUISITES);
  }
}

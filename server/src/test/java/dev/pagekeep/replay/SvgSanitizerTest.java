package dev.pagekeep.replay;

import dev.pagekeep.capture.Fixtures;
import java.nio.charset.StandardCharsets;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;

import static dev.pagekeep.capture.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class SvgSanitizerTest {
  private static String sanitize(byte[] svg) {
    return new String(ReplayRewriter.sanitizeSvg(svg), StandardCharsets.UTF_8);
  }

  @Test
  void removesScriptsHandlersJavascriptLinksAndExternalReferencesFromTheFixtureSprite() {
    String out = sanitize(Fixtures.bytes("static/img/sprite.svg"));

    assertThat(out).doesNotContain("<script", "alert", "onload", "onclick", "javascript", "evil.example",
        "foreignObject", "xml-stylesheet", "<iframe");
    Document doc = Jsoup.parse(out, "", Parser.xmlParser());
    assertThat(doc.select("symbol#dot circle")).hasSize(1);
    assertThat(doc.select("use").attr("xlink:href")).isEqualTo("#dot");
    assertThat(doc.select("linearGradient#grad stop")).hasSize(2);
    assertThat(doc.selectFirst("style").text()).contains("url(#grad)", "@import url(\"about:invalid\")");
  }

  @Test
  void keepsLocalReferencesAndRasterDataButNotNestedSvgData() {
    String out = sanitize(utf8("<svg xmlns='http://www.w3.org/2000/svg'><image href='data:image/png;base64,AAAA'/>"
        + "<image href='data:image/svg+xml,&lt;svg onload=alert(1)&gt;'/><use href='other.svg#x'/>"
        + "<rect style='fill:url(https://x.org/p.svg#g)' fill='url(#g)'/></svg>"));

    assertThat(out).contains("data:image/png;base64,AAAA", "fill=\"url(#g)\"", "url(&quot;about:invalid&quot;)")
        .doesNotContain("svg+xml", "other.svg", "x.org");
  }

  @Test
  void turnsNonSvgInputIntoAnEmptySvg() {
    assertThat(sanitize(new byte[0])).isEqualTo(SvgSanitizer.EMPTY_SVG);
    assertThat(sanitize(utf8("<html><script>alert(1)</script></html>"))).isEqualTo(SvgSanitizer.EMPTY_SVG);
    assertThat(sanitize(Fixtures.bytes("static/img/logo.png"))).isEqualTo(SvgSanitizer.EMPTY_SVG);
  }

  @Test
  void handlesNamespacedScriptElements() {
    String out = sanitize(utf8("<svg:svg xmlns:svg='http://www.w3.org/2000/svg'><svg:script>alert(1)</svg:script>"
        + "<svg:circle r='1' svg:onclick='x'/></svg:svg>"));

    assertThat(out).doesNotContain("script", "alert", "onclick").contains("svg:circle");
  }

  @Test
  void keepsOnlySvgElementsAsAnXmlParserResolvesTheirNamespaces() {
    String out = sanitize(utf8("<svg xmlns='http://www.w3.org/2000/svg' xmlns:h='http://www.w3.org/1999/xhtml'>"
        + "<h:meta http-equiv='refresh' content='0;url=http://evil.example/'/>"
        + "<g xmlns='http://www.w3.org/1999/xhtml'><meta http-equiv='refresh' content='0;url=http://evil.example/'/><circle r='1'/></g>"
        + "<svg:script xmlns:svg='http://www.w3.org/1999/xhtml'>x</svg:script>"
        + "<rect fill='url(http://evil.example/f.svg#f)' mask='url(#m)' filter='url(/api/stats#f)' h:href='http://evil.example/'/></svg>"));

    assertThat(out).doesNotContain("meta", "refresh", "evil.example", "/api/", "1999/xhtml", "script")
        .contains("<circle", "mask=\"url(#m)\"");
  }
}

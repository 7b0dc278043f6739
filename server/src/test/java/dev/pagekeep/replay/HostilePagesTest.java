package dev.pagekeep.replay;

import dev.pagekeep.capture.CssCapture;
import dev.pagekeep.capture.CssScanner;
import dev.pagekeep.capture.RecordingRewriter;
import dev.pagekeep.capture.Srcset;
import dev.pagekeep.capture.Urls;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.pagekeep.capture.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-page corpus (issue 18): each vector is replayed and its output, parsed again as a
 * browser parses it, must leave no way out: no element the policy does not know, no script handler,
 * no tag hidden in raw text, no URL outside the archive (links leaving it only open a new tab on a
 * click), no target that moves the top window but pagekeep's own, and the same page on a re-parse.
 * e2e/hostile-pages.test.mjs replays the same vectors in Chromium.
 */
class HostilePagesTest {
  private static final String PAGE = "https://example.com/dir/page.html";
  private static final Set<String> URL_ATTRIBUTES = Set.of("href", "xlink:href", "src", "srcset", "poster", "background",
      "data", "action", "formaction", "ping", "lowsrc", "dynsrc", "longdesc", "attributionsrc", "codebase", "manifest",
      "icon", "profile", "usemap", "imagesrcset", "archive", "classid", "srcdoc", "formtarget");
  private static final Pattern TAG_IN_TEXT = Pattern.compile("<[A-Za-z/!?]");

  static Stream<Arguments> vectors() {
    return Stream.of(
        v("mxss-mglyph-style", "<math><mtext><table><mglyph><style><img src=x onerror=fetch('/api/stats')>"
            + "<meta http-equiv=refresh content=\"0;url=http://evil.example/\"><iframe src=\"/api/export\"></iframe></style>"),
        v("mxss-mglyph-comment", "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;img src=1 onerror=alert(1)&gt;\">"),
        v("mxss-form-math", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>"),
        v("svg-style-markup", "<svg><style><img src=x onerror=alert(1)></style></svg>"),
        v("svg-style-breakout", "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">"),
        v("svg-cdata", "<svg><![CDATA[</svg><img src=x onerror=alert(1)>]]></svg>"),
        v("noscript-attribute", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>"),
        v("template", "<template><img src=/api/stats onerror=alert(1)></template>"
            + "<div><template shadowrootmode=open><img src=http://evil.example/t.png><style>@import '/api/stats';</style></template></div>"),
        v("xhtml-meta-in-svg", "<svg xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\"/></svg>"),
        v("meta-refresh", "<meta http-equiv=\"Refresh\" content=\"0;url=http://evil.example/\"><meta http-equiv=\" refresh \" content=\"1\">"),
        v("table-backgrounds", "<table background=\"/api/export?format=warc\"><thead background=\"/api/stats\"><tr><th background=\"/api/stats\">h</th></tr></thead>"
            + "<tbody background=\"/api/export?format=warc\"><tr background=\"/api/stats\"><td background=\"http://evil.example/td.png\">x</td></tr></tbody>"
            + "<tfoot background=\"/api/stats\"></tfoot></table><body background=\"/api/stats\">"),
        v("svg-url-attributes", "<svg><rect fill=\"url(/api/stats#f)\" stroke=\"url(http://evil.example/s#s)\" mask=\"url(/api/export#m)\""
            + " filter=\"url(http://evil.example/f.svg#f)\" clip-path=\"url(/api/stats#c)\" marker-start=\"url(/api/a#m)\""
            + " marker-mid=\"url(http://evil.example/m#m)\" marker-end=\"url(/api/b#m)\" cursor=\"url(http://evil.example/c.cur), auto\"/></svg>"),
        v("image-set", "<div style='background-image: image-set(\"/api/stats\" 1x, \"http://evil.example/a.png\" 2x)'>i</div>"
            + "<style>.a{background:-webkit-image-set(\"/api/export\" 1x, url(http://evil.example/b.png) 2x)}</style>"),
        v("escaped-url", "<div style=\"background: u\\72l(/api/stats)\">e</div>"
            + "<style>.b{background:\\75rl(http://evil.example/b.png)} .c{background:U\\52 L(/api/export)}</style>"),
        v("import-strings", "<style>@import \"/api/stats\"; @import 'http://evil.example/x.css' screen; @\\69mport \"/api/export\";</style>"),
        v("legacy-url-attributes", "<video poster=\"http://evil.example/p.png\" src=\"/api/stats\"></video>"
            + "<a href=\"https://example.com/ok\" ping=\"http://evil.example/ping\">x</a>"
            + "<img src=\"a.png\" lowsrc=\"http://evil.example/l.png\" dynsrc=\"/api/stats\" longdesc=\"http://evil.example/ld\" attributionsrc=\"http://evil.example/ar\">"),
        v("xlink-everywhere", "<svg><a xlink:href=\"/api/stats\"><text>x</text></a><use xlink:href=\"http://evil.example/u.svg#u\"/>"
            + "<image xlink:href=\"/api/stats\"/><filter><feImage xlink:href=\"http://evil.example/f.png\"/></filter>"
            + "<linearGradient xlink:href=\"http://evil.example/g#g\"/><text><textPath xlink:href=\"/api/stats#p\">t</textPath></text></svg>"
            + "<math><mi xlink:href=\"http://evil.example/m\">x</mi><mi href=\"/api/stats\">y</mi></math>"),
        v("base", "<base href=\"http://evil.example/\"><base target=\"_top\"><a href=\"x.html\">x</a><img src=\"y.png\">"),
        v("targets-and-forms", "<a href=\"#x\" target=\"_top\">x</a><a href=\"mailto:a@example.com\" target=\"_parent\">m</a>"
            + "<map><area href=\"http://evil.example/\" target=\"_top\"></map><form target=\"_top\" action=\"http://evil.example/\">"
            + "<button formaction=\"http://evil.example/\" formtarget=\"_top\">go</button></form>"
            + "<iframe name=\"f\"></iframe><form target=\"f\" action=\"/api/login-links\" method=post><input type=submit></form>"
            + "<span target=\"_top\">s</span>"),
        v("credentials", "<a href=\"http://user:pass@evil.example/\">c</a><img src=\"http://user:pass@evil.example/i.png\">"),
        v("svg-animations", "<svg><a><animate attributeName=\"href\" values=\"http://evil.example/\"/><set attributeName=\"target\" to=\"_top\"/>"
            + "<text>x</text></a><rect><animate attributeName=\"fill\" values=\"url(http://evil.example/f#f)\"/></rect></svg>"),
        v("frames-and-plugins", "<iframe src=\"/api/export\"></iframe><iframe srcdoc=\"<script>parent.x=1</script>\"></iframe>"
            + "<embed src=\"/api/stats\"><object data=\"/api/export\">fallback</object><portal src=\"http://evil.example/\"></portal>"),
        v("link-rels", "<link rel=\"stylesheet\" href=\"/api/stats\"><link rel=\"preload\" href=\"/api/export\" as=\"fetch\">"
            + "<link rel=\"compression-dictionary\" href=\"/api/x\"><link rel=\"canonical\" href=\"http://evil.example/\">"),
        v("unknown-elements", "<foo-bar data-x=\"1\">custom</foo-bar><xyz>unwrapped</xyz><svg><foo onload=alert(1)/></svg>"
            + "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x</maction></math>"),
        v("comments-and-pis", "<!-- --!><img src=x onerror=alert(1)> --><?xml-stylesheet href=\"http://evil.example/x.xsl\"?>c"),
        v("raw-text-elements", "<xmp><img src=x onerror=alert(1)></xmp><noembed><img src=x onerror=alert(1)></noembed>"
            + "<noframes><img src=/api/stats></noframes><iframe><img src=x onerror=alert(1)></iframe>"),
        v("rcdata-elements", "<title></title><img src=x onerror=alert(1)></title><textarea></textarea><img src=x onerror=alert(1)></textarea>"),
        v("namespace-break-out", "<svg><p><rect fill=\"url(/api/stats)\"></rect></p><font color=red><style>i{}</style></font></svg>"),
        v("javascript-urls", "<a href=\"java\tscript:alert(1)\">j</a><iframe src=\"javascript:alert(1)\"></iframe>"
            + "<img src=\"data:text/html,<script>alert(1)</script>\"><div style=\"background:url(javascript:alert(1))\">d</div>"));
  }

  private static Arguments v(String name, String html) {
    return Arguments.of(name, "<!doctype html><html><head><title>t</title></head><body>" + html + "</body></html>");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void replayOfEachVectorHasNoWayOutOfTheArchive(String name, String html) {
    String out = ReplayRewriter.rewriteHtml(utf8(html), "text/html", PAGE, new RecordingRewriter("https://example.com/ok"));
    Document doc = Jsoup.parse(out);
    doc.outputSettings().prettyPrint(false).charset(StandardCharsets.UTF_8);

    assertThat(doc.outerHtml()).as("a re-parse gives the same page").isEqualTo(out);
    doc.forEachNode(n -> assertThat(n).as("no comment").isNotInstanceOf(Comment.class));
    for (Element el : doc.getAllElements()) {
      if (el == doc) continue;
      String ns = el.tag().namespace();
      String tag = el.normalName();
      assertThat(known(ns, tag)).as("<%s> in %s is known", tag, ns).isTrue();
      assertThat(tag).as("nothing that runs or moves by itself").isNotIn("script", "base", "embed", "object", "portal");
      if (tag.equals("meta")) assertThat(el.hasAttr("http-equiv")).as("meta http-equiv").isFalse();
      for (Attribute a : el.attributes()) attributeStaysInArchive(el, a);
      for (DataNode d : el.dataNodes()) {
        assertThat(TAG_IN_TEXT.matcher(d.getWholeData()).find()).as("a tag in <%s> raw text: %s", tag, d.getWholeData()).isFalse();
        cssStaysInArchive(d.getWholeData());
      }
    }
    for (Element el : doc.select("[href^=http], [xlink:href^=http]")) {
      assertThat(el.normalName()).as("only a link may lead out of the archive: %s", el).isIn("a", "area");
    }
  }

  private static boolean known(String ns, String tag) {
    return switch (ns) {
      case ReplayPolicy.HTML -> ReplayPolicy.HTML_ELEMENTS.contains(tag) || ReplayPolicy.isCustomElementName(tag);
      case ReplayPolicy.SVG -> ReplayPolicy.SVG_ELEMENTS.contains(tag);
      case ReplayPolicy.MATHML -> ReplayPolicy.MATHML_ELEMENTS.contains(tag);
      default -> false;
    };
  }

  private static void attributeStaysInArchive(Element el, Attribute a) {
    String key = a.getKey().toLowerCase(Locale.ROOT);
    String v = a.getValue().strip();
    assertThat(key).as("event handler on <%s>", el.normalName()).doesNotStartWith("on");
    if (key.equals("target")) {
      assertThat(el.normalName()).isIn("a", "area");
      assertThat(v).isIn("_top", "_blank");
      if (v.equals("_top")) assertThat(el.attr("href")).startsWith(RecordingRewriter.PREFIX);
    }
    if (key.equals("style") || (v.indexOf('(') >= 0 && !key.startsWith("data-") && !key.equals("title") && !key.equals("alt"))) {
      cssStaysInArchive(v);
    }
    if (!URL_ATTRIBUTES.contains(key)) return;
    List<String> urls = key.equals("srcset") ? Srcset.parse(v).stream().map(Srcset.Candidate::url).toList() : List.of(v);
    for (String u : urls) {
      boolean inArchive = u.startsWith("/web/") && Urls.staysInPath(u);
      boolean local = u.startsWith("#") || u.equals("about:blank") || (Urls.isData(u) && !Urls.isDangerous(u));
      boolean mail = u.startsWith("mailto:");
      boolean liveLink = (el.normalName().equals("a") || el.normalName().equals("area")) && key.endsWith("href")
          && Urls.isHttp(u) && !Urls.hasCredentials(u) && el.attr("target").equals("_blank") && el.attr("rel").contains("noopener");
      boolean inertForm = key.equals("action") && u.equals(ReplaySanitizer.FORM_ACTION);
      assertThat(inArchive || local || mail || liveLink || inertForm).as("%s=\"%s\" on <%s>", key, u, el.normalName()).isTrue();
    }
  }

  private static void cssStaysInArchive(String css) {
    for (CssScanner.Ref ref : CssScanner.scan(css)) {
      String u = ref.url().strip();
      assertThat(u.startsWith("/web/") || u.startsWith("#") || u.equals(CssCapture.BLOCKED) || (Urls.isData(u) && !Urls.isDangerous(u)))
          .as("CSS reference %s in %s", u, css).isTrue();
    }
  }
}

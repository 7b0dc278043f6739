package dev.pagekeep.page;

import static org.assertj.core.api.Assertions.assertThat;

import gg.jte.Content;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * Every template under {@code src/main/jte}, rendered with hostile values (an archived page's title,
 * URL and text are the attacker's): nothing of them becomes markup, and every page is drawn in the one
 * layout with the one stylesheet.
 */
class PagesTest {
  static final String HOSTILE = "\"'><script>alert(1)</script></style></title><img src=x onerror=alert(2)>&amp;";

  /** Each page template with hostile values in every parameter a capture or a request can set. */
  static Map<String, Map<String, Object>> pages() {
    Map<String, Map<String, Object>> pages = new LinkedHashMap<>();
    pages.put("login.jte", Map.of());
    pages.put("login-used.jte", Map.of());
    pages.put("opening.jte", Map.of("title", HOSTILE, "id", HOSTILE, "text", HOSTILE, "script", "/ui/bounce.js"));
    pages.put("error.jte", Map.of("title", HOSTILE, "message", HOSTILE, "code", HOSTILE, "back", HOSTILE));
    pages.put("not-archived.jte", Map.of("url", "https://example.org/" + HOSTILE, "web", true));
    pages.put("reader.jte", Map.of("title", HOSTILE, "allVersions", HOSTILE, "snapshot", HOSTILE, "url", HOSTILE,
        "when", HOSTILE, "byline", HOSTILE, "articleHtml", "<p>clean article</p>"));
    Map<String, Object> diff = new LinkedHashMap<>();
    diff.put("title", HOSTILE);
    diff.put("url", HOSTILE);
    diff.put("fromHref", HOSTILE);
    diff.put("fromWhen", HOSTILE);
    diff.put("toHref", HOSTILE);
    diff.put("toWhen", HOSTILE);
    diff.put("added", 1);
    diff.put("removed", 1);
    diff.put("verdict", null);
    diff.put("rows", List.of(new DiffRow("added", HOSTILE, 0), new DiffRow("removed", HOSTILE, 0),
        new DiffRow("same", HOSTILE, 0), new DiffRow("fold", "", 7)));
    pages.put("diff.jte", diff);
    pages.put("export-index.jte", Map.of("count", 2L, "csp", "default-src 'none'", "items",
        (Content) out -> out.writeContent(Pages.exportItem("2024/k", HOSTILE, HOSTILE, HOSTILE))));
    pages.put("export-reader.jte", Map.of("title", HOSTILE, "url", HOSTILE, "day", HOSTILE, "hashUrl", HOSTILE,
        "articleHtml", "<p>clean article</p>", "csp", "default-src 'none'"));
    return pages;
  }

  /** The page through its typed method in {@link Pages}, with the parameters of {@link #pages()}. */
  @SuppressWarnings("unchecked")
  static String typed(String name, Map<String, Object> p) {
    return switch (name) {
      case "login.jte" -> Pages.login();
      case "login-used.jte" -> Pages.loginUsed();
      case "opening.jte" -> Pages.opening(s(p, "title"), s(p, "id"), s(p, "text"), s(p, "script"));
      case "error.jte" -> Pages.error(s(p, "title"), s(p, "message"), s(p, "back"), s(p, "code"));
      case "not-archived.jte" -> Pages.notArchived(s(p, "url"), (Boolean) p.get("web"));
      case "reader.jte" -> Pages.reader(s(p, "title"), s(p, "allVersions"), s(p, "snapshot"), s(p, "url"), s(p, "when"),
          s(p, "byline"), s(p, "articleHtml"));
      case "diff.jte" -> Pages.diff(s(p, "title"), s(p, "url"), s(p, "fromHref"), s(p, "fromWhen"), s(p, "toHref"), s(p, "toWhen"),
          (Integer) p.get("added"), (Integer) p.get("removed"), s(p, "verdict"), (List<DiffRow>) p.get("rows"));
      case "export-index.jte" -> Pages.exportIndex((Long) p.get("count"), (Content) p.get("items"), s(p, "csp"));
      case "export-reader.jte" -> Pages.exportReader(s(p, "title"), s(p, "url"), s(p, "day"), s(p, "hashUrl"),
          s(p, "articleHtml"), s(p, "csp"));
      case "replay.jte" -> Pages.replay(new Pages.Replay(s(p, "title"), s(p, "day"), s(p, "ts"), s(p, "url"), s(p, "framed"),
          s(p, "prefix"), s(p, "home"), s(p, "prevHref"), s(p, "prevWhen"), s(p, "nextHref"), s(p, "nextWhen"), s(p, "iso"),
          s(p, "when"), s(p, "allHref"), (Integer) p.get("pages"), s(p, "readerHref"), s(p, "changesHref"), s(p, "alone"),
          s(p, "sandbox")));
      default -> throw new AssertionError("no typed page for " + name);
    };
  }

  private static String s(Map<String, Object> p, String key) {
    return (String) p.get(key);
  }

  /** The replay page's parameters, every string hostile. */
  static Map<String, Object> replay() {
    Map<String, Object> p = new java.util.HashMap<>();
    for (String k : List.of("title", "day", "ts", "url", "framed", "prefix", "home", "prevHref", "prevWhen", "nextHref",
        "nextWhen", "iso", "when", "allHref", "readerHref", "changesHref", "alone", "sandbox")) {
      p.put(k, HOSTILE);
    }
    p.put("pages", 2);
    return p;
  }

  @Test
  void theTypedPagesWriteWhatTheEngineWritesFromTheSameParameters() {
    TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);
    Map<String, Map<String, Object>> all = new LinkedHashMap<>(pages());
    all.put("replay.jte", replay());
    all.put("export-item.jte", Map.of("dir", "2024/k", "title", HOSTILE, "url", HOSTILE, "day", HOSTILE));
    // Each string its own value, so a parameter passed in another's place shows.
    all.replaceAll((name, params) -> {
      Map<String, Object> distinct = new LinkedHashMap<>();
      params.forEach((k, v) -> distinct.put(k, v instanceof String text ? k + ":" + text : v));
      return distinct;
    });
    Map<String, Object> withoutCode = new LinkedHashMap<>(all.get("error.jte"));
    withoutCode.remove("code");
    all.forEach((name, params) -> {
      StringOutput out = new StringOutput();
      engine.render(name, params, out);
      String typed = name.equals("export-item.jte") ? Pages.exportItem(s(params, "dir"), s(params, "title"), s(params, "url"), s(params, "day"))
          : typed(name, params);
      assertThat(typed).as(name).isEqualTo(out.toString());
    });
    StringOutput out = new StringOutput();
    engine.render("error.jte", withoutCode, out);
    assertThat(Pages.error(s(withoutCode, "title"), s(withoutCode, "message"), s(withoutCode, "back"))).isEqualTo(out.toString());
  }

  @Test
  void everyTemplateIsRenderedHere() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/jte"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      // layout.jte is drawn by every page; export-item.jte inside export-index.jte; replay.jte (the
      // banner and frame, outside the layout: its markup is held pixel-exact by e2e/replay-framed) below.
      assertThat(names).containsExactlyInAnyOrderElementsOf(
          Stream.concat(pages().keySet().stream(), Stream.of("layout.jte", "export-item.jte", "replay.jte")).toList());
    }
  }

  @Test
  void hostileValuesComeOutAsTextNeverAsMarkup() {
    pages().forEach((name, params) -> {
      String html = typed(name, params);
      assertThat(html).as(name).doesNotContain("<script>alert", "</style></title><img", "<img src=x");
      Document d = Jsoup.parse(html);
      assertThat(d.select("img")).as(name).isEmpty();
      assertThat(d.select("[onerror]")).as(name).isEmpty();
      for (Element s : d.select("script")) {
        assertThat(s.attr("src")).as(name).startsWith("/ui/");
        assertThat(s.data()).as(name).isEmpty();
      }
      if (!params.isEmpty() && !name.equals("not-archived.jte")) {
        assertThat(d.body().text() + d.title()).as(name).contains("<script>alert(1)</script></style></title>");
      }
    });
  }

  @Test
  void hostileValuesInAttributesStayInsideTheirAttribute() {
    Document reader = Jsoup.parse(typed("reader.jte", pages().get("reader.jte")));
    assertThat(reader.select("header a").eachAttr("href")).containsExactly(HOSTILE.replace("&amp;", "&amp;"), HOSTILE);
    assertThat(reader.title()).isEqualTo(HOSTILE);
    assertThat(reader.select("h1").text()).isEqualTo(HOSTILE);
    Document na = Jsoup.parse(typed("not-archived.jte", pages().get("not-archived.jte")));
    assertThat(na.getElementById("pagekeep-archive-now").attr("data-url")).isEqualTo("https://example.org/" + HOSTILE);
    assertThat(na.select("code").text()).isEqualTo("https://example.org/" + HOSTILE);
    Document diff = Jsoup.parse(typed("diff.jte", pages().get("diff.jte")));
    assertThat(diff.select("ins.added").text()).isEqualTo(HOSTILE);
    assertThat(diff.select("del.removed").text()).isEqualTo(HOSTILE);
    assertThat(diff.select("p.same").text()).isEqualTo(HOSTILE);
    assertThat(diff.select("p.fold").text()).isEqualTo("… 7 unchanged");
    assertThat(diff.getElementById("from").attr("href")).isEqualTo(HOSTILE);
  }

  @Test
  void everyPageUsesTheLayoutAndLinksTheOneStylesheet() {
    pages().forEach((name, params) -> {
      String html = typed(name, params);
      assertThat(html).as(name).startsWith("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">");
      Document d = Jsoup.parse(html);
      assertThat(d.select("meta[name=viewport]").attr("content")).as(name).isEqualTo("width=device-width, initial-scale=1");
      assertThat(d.select("title")).as(name).hasSize(1);
      assertThat(d.select("link[rel=stylesheet]").eachAttr("href")).as(name)
          .containsExactly(name.startsWith("export-index") ? "page.css" : name.startsWith("export-") ? "../../page.css" : Pages.STYLESHEET);
      assertThat(d.select("style")).as(name + ": no inline stylesheet").isEmpty();
      assertThat(d.select("[style]")).as(name + ": no inline style").isEmpty();
      assertThat(d.body().hasClass("pk-page")).as(name).isTrue();
      assertThat(d.select("body > main")).as(name).hasSize(1);
    });
  }

  @Test
  void theStylesheetIsInTheJar() {
    assertThat(new String(Pages.stylesheet(), java.nio.charset.StandardCharsets.UTF_8)).contains(".pk-reader", ".added", "#pagekeep-archive-state");
  }

  @Test
  void theReplayPageEscapesHostileValuesToo() {
    String html = typed("replay.jte", replay());
    assertThat(html).doesNotContain("<script>alert", "</style></title><img", "<img src=x");
    Document d = Jsoup.parse(html);
    assertThat(d.select("img, [onerror], style")).isEmpty();
    assertThat(d.select("script").eachAttr("src")).containsExactly("/ui/replay.js");
    assertThat(d.getElementById("pagekeep-banner").attr("data-url")).isEqualTo(HOSTILE);
    assertThat(d.getElementById("pagekeep-live").text()).isEqualTo("live" + HOSTILE);
    assertThat(d.getElementById("pagekeep-frame").attr("src")).isEqualTo(HOSTILE);
  }
}

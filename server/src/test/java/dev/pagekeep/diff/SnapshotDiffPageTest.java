package dev.pagekeep.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.page.Pages;
import dev.pagekeep.replay.ReplaySite;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** The diff page ({@code diff.jte}) from two captures an attacker wrote: their title and text stay text. */
class SnapshotDiffPageTest {
  static final String HOSTILE = "\"><script>alert(1)</script></style><img src=x onerror=alert(2)>";
  static final String URL = "https://evil.example/p?q=\"><script>alert(3)</script>";

  static Capture capture(String ts, String title) {
    return new Capture(UrlKeys.urlKey(URL), URL, ts, Capture.PAGE, 200, "text/html", URL, List.of(), "d", 1, title,
        "t", List.of(), "api", List.of());
  }

  @Test
  void hostileTitleUrlAndLinesComeOutAsTextInTheLayout() {
    List<TextDiff.Line> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) lines.add(new TextDiff.Line(TextDiff.Op.SAME, "same " + i));
    lines.add(new TextDiff.Line(TextDiff.Op.REMOVED, "old " + HOSTILE));
    lines.add(new TextDiff.Line(TextDiff.Op.ADDED, "new " + HOSTILE));
    SnapshotDiff.Result r = new SnapshotDiff.Result(capture("20240101000000", "a"), capture("20240202000000", HOSTILE), lines);

    String html = SnapshotDiff.html(r, new ReplaySite("/c/cap", "http://127.0.0.1:1"));

    assertThat(html).doesNotContain("<script>", "<img src=x");
    Document d = Jsoup.parse(html);
    assertThat(d.select("script, img, [onerror], style, [style]")).isEmpty();
    assertThat(d.title()).isEqualTo("Changes: " + HOSTILE);
    assertThat(d.select("h1").text()).isEqualTo("What changed on " + URL);
    assertThat(d.select("del.removed").eachText()).containsExactly("old " + HOSTILE);
    assertThat(d.select("ins.added").eachText()).containsExactly("new " + HOSTILE);
    assertThat(d.select("p.fold").eachText()).containsExactly("… 7 unchanged");
    assertThat(d.select("p.same")).hasSize(3);
    assertThat(d.getElementById("added").text()).isEqualTo("1 added");
    assertThat(d.getElementById("from").attr("href")).startsWith("/c/cap/web/20240101000000/https://evil.example/");
    assertThat(d.select("link[rel=stylesheet]").eachAttr("href")).containsExactly(Pages.STYLESHEET);
  }

  @Test
  void saysWhenThereIsNothingToCompare() {
    SnapshotDiff.Result same = new SnapshotDiff.Result(capture("20240101000000", "t"), capture("20240101000000", "t"), List.of());
    assertThat(Jsoup.parse(SnapshotDiff.html(same)).getElementById("diff").text()).isEqualTo("Only one snapshot: nothing to compare yet.");
    SnapshotDiff.Result unchanged = new SnapshotDiff.Result(capture("20240101000000", "t"), capture("20240202000000", "t"),
        List.of(new TextDiff.Line(TextDiff.Op.SAME, "x")));
    assertThat(Jsoup.parse(SnapshotDiff.html(unchanged)).getElementById("diff").text()).isEqualTo("The text did not change.");
  }
}

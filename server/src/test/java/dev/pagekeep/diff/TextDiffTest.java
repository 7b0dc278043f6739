package dev.pagekeep.diff;

import dev.pagekeep.capture.Fixtures;
import dev.pagekeep.capture.HtmlCapture;
import dev.pagekeep.diff.TextDiff.Line;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static dev.pagekeep.diff.TextDiff.Op.ADDED;
import static dev.pagekeep.diff.TextDiff.Op.REMOVED;
import static dev.pagekeep.diff.TextDiff.Op.SAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class TextDiffTest {
  @Test
  void showsParagraphsAddedRemovedAndKeptBetweenTwoVersionsOfAPage() {
    String v1 = "Title\nFirst paragraph.\nSecond paragraph.\nThird paragraph.\nFooter";
    String v2 = "Title\nFirst paragraph.\nSecond paragraph, revised.\nThird paragraph.\nNew closing words.\nFooter";

    assertThat(TextDiff.diff(v1, v2)).containsExactly(
        new Line(SAME, "Title"), new Line(SAME, "First paragraph."),
        new Line(REMOVED, "Second paragraph."), new Line(ADDED, "Second paragraph, revised."),
        new Line(SAME, "Third paragraph."), new Line(ADDED, "New closing words."), new Line(SAME, "Footer"));
  }

  @Test
  void diffsTheTextOfTwoCapturedVersions() {
    String v1 = HtmlCapture.parse(Fixtures.utf8("<h1>News</h1><p>Old   lead.</p><p>Body.</p>"), null, "https://x/").text();
    String v2 = HtmlCapture.parse(Fixtures.utf8("<h1>News</h1><p>Body.</p><p>Update: more.</p>"), null, "https://x/").text();

    assertThat(TextDiff.diff(v1, v2)).containsExactly(new Line(SAME, "News"), new Line(REMOVED, "Old lead."),
        new Line(SAME, "Body."), new Line(ADDED, "Update: more."));
  }

  @Test
  void findsAMinimalEditScriptIgnoringBlankLinesAndSpacing() {
    List<Line> diff = TextDiff.diff("a\nb\nc\na\nb\nb\na", "c\nb\n\n  a \nb\na\nc");

    assertThat(diff.stream().filter(l -> l.op() != SAME)).hasSize(5); // Myers' classic example: D = 5
    assertThat(rebuild(diff, REMOVED)).isEqualTo(List.of("c", "b", "a", "b", "a", "c"));
    assertThat(rebuild(diff, ADDED)).isEqualTo(List.of("a", "b", "c", "a", "b", "b", "a"));
  }

  private static List<String> rebuild(List<Line> diff, TextDiff.Op skip) {
    return diff.stream().filter(l -> l.op() != skip).map(Line::text).toList();
  }

  @Test
  void handlesEmptyAndIdenticalInputs() {
    assertThat(TextDiff.diff("", "")).isEmpty();
    assertThat(TextDiff.diff("", "a\nb")).containsExactly(new Line(ADDED, "a"), new Line(ADDED, "b"));
    assertThat(TextDiff.diff("a", "")).containsExactly(new Line(REMOVED, "a"));
    assertThat(TextDiff.diff("a\r\nb", "a\nb")).containsExactly(new Line(SAME, "a"), new Line(SAME, "b"));
  }

  @Test
  void staysBoundedOnHugeCompletelyDifferentInputs() {
    String a = IntStream.range(0, 50_000).mapToObj(i -> "old " + i).collect(Collectors.joining("\n"));
    String b = IntStream.range(0, 50_000).mapToObj(i -> "new " + i).collect(Collectors.joining("\n"));

    List<Line> diff = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> TextDiff.diff(a, b));

    assertThat(diff).hasSize(2 * TextDiff.MAX_LINES);
    assertThat(diff.get(0)).isEqualTo(new Line(REMOVED, "old 0"));
    assertThat(diff.get(diff.size() - 1)).isEqualTo(new Line(ADDED, "new " + (TextDiff.MAX_LINES - 1)));
  }
}

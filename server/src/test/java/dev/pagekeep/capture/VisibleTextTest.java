package dev.pagekeep.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;
import org.junit.jupiter.api.Test;

/** The one-pass visible text against the line-buffer one it replaced, on hostile whitespace. */
class VisibleTextTest {
  @Test
  void linesAreCollapsedTrimmedAndEmptyOnesDropped() {
    String html = "<p>  a \u00a0 b\t</p><p> \u2003 </p><div>\u3000lead<span> in </span>trail\u2003 </div><br><br>x";
    assertThat(VisibleText.of(Jsoup.parse(html).body())).isEqualTo("a b\nlead in trail\nx");
  }

  @Test
  void theSameTextAsTheLineBufferedWalkOnRandomPages() {
    String[] pieces = {" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u2028", "\u001f", "a", "bc", "é",
        "\u4e2d", "\ud83d\ude00", "<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "</b>", "<td>", "<li>",
        "<script>x y</script>", "<style>p{}</style>", "<span> </span>", "&nbsp;", "&#x2003;"};
    Random random = new Random(14);
    for (int round = 0; round < 2000; round++) {
      StringBuilder html = new StringBuilder();
      for (int i = random.nextInt(40); i >= 0; i--) html.append(pieces[random.nextInt(pieces.length)]);
      Element body = Jsoup.parse(html.toString()).body();
      assertThat(VisibleText.of(body)).as(html.toString()).isEqualTo(LineBuffered.of(body));
    }
  }

  @Test
  void theWalkThatShowsEveryElementGivesTheSameTextAndEveryElementInOrder() {
    String[] pieces = {" ", "a", "b c", "\u2003", "<p>", "</p>", "<div>", "</div>", "<br>", "<img src=x.png>",
        "<script>s</script>", "<noscript><img src=n.png></noscript>", "<style>p{}</style>", "<title>t</title>",
        "<link rel=stylesheet href=s.css>", "<template><b>in</b></template>", "<select><option>o</select>", "<td>"};
    Random random = new Random(17);
    for (int round = 0; round < 1000; round++) {
      StringBuilder html = new StringBuilder();
      for (int i = random.nextInt(30); i >= 0; i--) html.append(pieces[random.nextInt(pieces.length)]);
      org.jsoup.nodes.Document doc = Jsoup.parse(html.toString());
      java.util.List<Element> seen = new java.util.ArrayList<>();
      String text = VisibleText.of(doc, seen::add);
      assertThat(text).as(html.toString()).isEqualTo(VisibleText.of(doc.body()));
      assertThat(seen).as(html.toString()).containsExactlyElementsOf(doc.getAllElements());
    }
  }

  /** The implementation before the one-pass one, kept as the oracle. */
  static final class LineBuffered implements NodeFilter {
    private static final Set<String> INVISIBLE =
        Set.of("script", "style", "noscript", "template", "head", "title", "iframe", "object", "select");
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder line = new StringBuilder();

    static String of(Element root) {
      LineBuffered v = new LineBuffered();
      NodeTraversor.filter(v, root);
      v.endLine();
      return v.out.toString();
    }

    @Override
    public FilterResult head(Node node, int depth) {
      if (node instanceof TextNode text) {
        line.append(text.getWholeText());
      } else if (node instanceof Element el) {
        if (INVISIBLE.contains(el.normalName())) return FilterResult.SKIP_ENTIRELY;
        if (breaks(el)) endLine();
      }
      return FilterResult.CONTINUE;
    }

    @Override
    public FilterResult tail(Node node, int depth) {
      if (node instanceof Element el && breaks(el)) endLine();
      return FilterResult.CONTINUE;
    }

    private static boolean breaks(Element el) {
      return el.isBlock() || el.normalName().equals("br") || el.normalName().equals("td") || el.normalName().equals("th");
    }

    private void endLine() {
      if (line.length() == 0) return;
      String normalised = Documents.normalise(line.toString());
      line.setLength(0);
      if (normalised.isEmpty()) return;
      if (out.length() > 0) out.append('\n');
      out.append(normalised);
    }
  }
}

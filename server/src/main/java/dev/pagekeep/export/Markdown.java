package dev.pagekeep.export;

import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/** A small HTML-to-Markdown writer for reader-view content: headings, paragraphs, lists, quotes, code, links, emphasis. */
final class Markdown {
  private final StringBuilder out = new StringBuilder();

  private Markdown() {}

  static String of(Element root) {
    Markdown m = new Markdown();
    m.blocks(root, "");
    return m.out.toString().replaceAll("\n{3,}", "\n\n");
  }

  private void blocks(Element e, String prefix) {
    StringBuilder inline = new StringBuilder();
    for (Node n : e.childNodes()) {
      if (n instanceof Element child && isBlock(child)) {
        flush(inline, prefix);
        block(child, prefix);
      } else {
        inline(n, inline);
      }
    }
    flush(inline, prefix);
  }

  private void flush(StringBuilder inline, String prefix) {
    String text = inline.toString().replaceAll("[ \\t\\n]+", " ").strip();
    if (!text.isEmpty()) out.append(prefix).append(text).append("\n\n");
    inline.setLength(0);
  }

  private void block(Element e, String prefix) {
    String tag = e.normalName();
    switch (tag) {
      case "h1", "h2", "h3", "h4", "h5", "h6" -> {
        StringBuilder b = new StringBuilder();
        inlineChildren(e, b);
        out.append(prefix).append("#".repeat(tag.charAt(1) - '0')).append(' ')
            .append(b.toString().replaceAll("\\s+", " ").strip()).append("\n\n");
      }
      case "pre" -> out.append(prefix).append("```\n").append(e.wholeText().replace("```", "ʼʼʼ")).append("\n```\n\n");
      case "blockquote" -> blocks(e, prefix + "> ");
      case "ul", "ol" -> {
        int i = 1;
        for (Element li : e.children()) {
          if (!li.normalName().equals("li")) continue;
          StringBuilder b = new StringBuilder();
          inlineChildren(li, b);
          String marker = tag.equals("ol") ? (i++) + ". " : "- ";
          out.append(prefix).append(marker).append(b.toString().replaceAll("\\s+", " ").strip()).append('\n');
        }
        out.append('\n');
      }
      case "hr" -> out.append(prefix).append("---\n\n");
      default -> blocks(e, prefix);
    }
  }

  private void inlineChildren(Element e, StringBuilder b) {
    for (Node n : e.childNodes()) inline(n, b);
  }

  private void inline(Node n, StringBuilder b) {
    if (n instanceof TextNode t) {
      b.append(escapeInline(t.text()));
      return;
    }
    if (!(n instanceof Element e)) return;
    switch (e.normalName()) {
      case "a" -> {
        String href = e.absUrl("href");
        StringBuilder label = new StringBuilder();
        inlineChildren(e, label);
        if (href.startsWith("http://") || href.startsWith("https://")) {
          b.append('[').append(label.toString().strip()).append("](").append(href.replace(")", "%29").replace(" ", "%20")).append(')');
        } else {
          b.append(label);
        }
      }
      case "strong", "b" -> wrap(e, b, "**");
      case "em", "i" -> wrap(e, b, "*");
      case "code" -> b.append('`').append(e.text().replace("`", "'")).append('`');
      case "br" -> b.append("  \n");
      default -> inlineChildren(e, b);
    }
  }

  private void wrap(Element e, StringBuilder b, String mark) {
    StringBuilder inner = new StringBuilder();
    inlineChildren(e, inner);
    String s = inner.toString().strip();
    if (!s.isEmpty()) b.append(mark).append(s).append(mark).append(' ');
  }

  private static boolean isBlock(Element e) {
    return switch (e.normalName()) {
      case "p", "div", "section", "article", "main", "header", "footer", "aside", "figure", "figcaption",
           "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol", "hr", "table", "tbody", "thead", "tr", "td", "th", "dl", "dt", "dd" -> true;
      default -> false;
    };
  }

  /** Escapes what Markdown would read as markup in running text. */
  static String escapeInline(String s) {
    return s.replaceAll("([\\\\`*_\\[\\]<>#|])", "\\\\$1");
  }
}

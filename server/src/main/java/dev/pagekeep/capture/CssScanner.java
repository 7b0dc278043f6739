package dev.pagekeep.capture;

import java.util.ArrayList;
import java.util.List;

/**
 * A small single-pass CSS scanner that finds URL references: {@code @import "x"}, {@code @import url(x)}
 * and {@code url(x)}, skipping comments and strings and knowing whether it is inside {@code @font-face}.
 * Linear in the input; never throws on malformed CSS (unterminated constructs end at end of input).
 */
final class CssScanner {
  /** One reference: {@code [start, end)} is the text to replace; {@code urlForm} is false for {@code @import "x"}. */
  record Ref(int start, int end, String url, boolean isImport, boolean inFontFace, boolean urlForm) {}

  private final String css;
  private final List<Ref> refs = new ArrayList<>();
  private int i;
  private int depth;
  private int fontFaceDepth = -1;
  private boolean pendingFontFace;

  private CssScanner(String css) {
    this.css = css;
  }

  static List<Ref> scan(String css) {
    CssScanner s = new CssScanner(css);
    s.run();
    return s.refs;
  }

  private void run() {
    while (i < css.length()) {
      char c = css.charAt(i);
      if (c == '/' && css.startsWith("/*", i)) skipComment();
      else if (c == '"' || c == '\'') i = stringEnd(i);
      else if (c == '{') openBlock();
      else if (c == '}') closeBlock();
      else if (c == '@') atRule();
      else if ((c == 'u' || c == 'U') && isUrlFunction(i)) refs.add(urlRef(i, false));
      else i++;
    }
  }

  private void openBlock() {
    depth++;
    if (pendingFontFace) fontFaceDepth = depth;
    pendingFontFace = false;
    i++;
  }

  private void closeBlock() {
    if (depth == fontFaceDepth) fontFaceDepth = -1;
    depth = Math.max(0, depth - 1);
    i++;
  }

  private void atRule() {
    int start = ++i;
    while (i < css.length() && isIdentChar(css.charAt(i))) i++;
    String name = css.substring(start, i);
    if (name.equalsIgnoreCase("font-face")) pendingFontFace = true;
    if (!name.equalsIgnoreCase("import")) return;
    skipWhitespaceAndComments();
    if (i >= css.length()) return;
    char c = css.charAt(i);
    if (c == '"' || c == '\'') {
      int end = stringEnd(i);
      refs.add(new Ref(i, end, unescape(stringBody(i, end)), true, false, false));
      i = end;
    } else if (isUrlFunction(i)) {
      refs.add(urlRef(i, true));
    }
  }

  private Ref urlRef(int start, boolean isImport) {
    i = start + 4; // after "url("
    skipWhitespace();
    String url;
    if (i < css.length() && (css.charAt(i) == '"' || css.charAt(i) == '\'')) {
      int end = stringEnd(i);
      url = unescape(stringBody(i, end));
      i = end;
      int close = css.indexOf(')', i);
      i = close < 0 ? css.length() : close + 1;
    } else {
      int close = css.indexOf(')', i);
      int end = close < 0 ? css.length() : close;
      url = unescape(css.substring(i, end).strip());
      i = close < 0 ? css.length() : close + 1;
    }
    return new Ref(start, i, url, isImport, fontFaceDepth >= 0, true);
  }

  private boolean isUrlFunction(int at) {
    return css.regionMatches(true, at, "url(", 0, 4) && (at == 0 || !isIdentChar(css.charAt(at - 1)));
  }

  private int stringEnd(int open) {
    char quote = css.charAt(open);
    int j = open + 1;
    while (j < css.length()) {
      char c = css.charAt(j);
      if (c == '\\') j += 2;
      else if (c == quote) return j + 1;
      else if (c == '\n') return j;
      else j++;
    }
    return css.length();
  }

  private String stringBody(int open, int end) {
    int bodyEnd = end > open + 1 && css.charAt(end - 1) == css.charAt(open) ? end - 1 : end;
    return css.substring(open + 1, Math.min(bodyEnd, css.length()));
  }

  private void skipComment() {
    int close = css.indexOf("*/", i + 2);
    i = close < 0 ? css.length() : close + 2;
  }

  private void skipWhitespace() {
    while (i < css.length() && Character.isWhitespace(css.charAt(i))) i++;
  }

  private void skipWhitespaceAndComments() {
    skipWhitespace();
    while (css.startsWith("/*", i)) {
      skipComment();
      skipWhitespace();
    }
  }

  private static boolean isIdentChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '_';
  }

  /** CSS escapes: a backslash and 1-6 hex digits (plus one optional space), or a backslash and any character. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) return s;
    StringBuilder sb = new StringBuilder(s.length());
    for (int j = 0; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c != '\\' || j + 1 >= s.length()) {
        sb.append(c);
        continue;
      }
      int k = j + 1;
      while (k < s.length() && k < j + 7 && Character.digit(s.charAt(k), 16) >= 0) k++;
      if (k == j + 1) {
        char next = s.charAt(++j);
        if (next != '\n') sb.append(next);
        continue;
      }
      int cp = Integer.parseInt(s.substring(j + 1, k), 16);
      sb.appendCodePoint(cp == 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp);
      j = (k < s.length() && Character.isWhitespace(s.charAt(k))) ? k : k - 1;
    }
    return sb.toString();
  }

  /** A double-quoted CSS string that is also safe inside an HTML {@code <style>} element. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int j = 0; j < s.length(); j++) {
      char c = s.charAt(j);
      switch (c) {
        case '"', '\\' -> sb.append('\\').append(c);
        case '\n' -> sb.append("\\a ");
        case '\r' -> sb.append("\\d ");
        case '<' -> sb.append("\\3c ");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}

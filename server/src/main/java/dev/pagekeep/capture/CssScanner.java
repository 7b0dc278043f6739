package dev.pagekeep.capture;

import java.util.ArrayList;
import java.util.List;

/**
 * A small single-pass CSS scanner that finds URL references: {@code @import "x"}, {@code @import url(x)},
 * {@code url(x)} and the strings of {@code image-set("x" 1x)}, skipping comments and strings and knowing
 * whether it is inside {@code @font-face}. Names are read as the browser reads them, escapes decoded
 * ({@code u\72l(x)} is {@code url(x)}, {@code @\69mport} is {@code @import}). Linear in the input; never
 * throws on malformed CSS (unterminated constructs end at end of input).
 */
public final class CssScanner {
  /** One reference: {@code [start, end)} is the text to replace; {@code urlForm} is false for {@code @import "x"}. */
  public record Ref(int start, int end, String url, boolean isImport, boolean inFontFace, boolean urlForm) {}

  private final String css;
  private final List<Ref> refs = new ArrayList<>();
  private int i;
  private int depth;
  private int fontFaceDepth = -1;
  private boolean pendingFontFace;
  /** Parenthesis depth, and the depth inside an image-set() whose strings are URLs (-1 outside). */
  private int parens;
  private int imageSetParens = -1;

  private CssScanner(String css) {
    this.css = css;
  }

  public static List<Ref> scan(String css) {
    CssScanner s = new CssScanner(css);
    s.run();
    return s.refs;
  }

  private void run() {
    while (i < css.length()) {
      char c = css.charAt(i);
      if (c == '/' && css.startsWith("/*", i)) skipComment();
      else if (c == '"' || c == '\'') string();
      else if (c == '{') openBlock();
      else if (c == '}') closeBlock();
      else if (c == '(') {
        parens++;
        i++;
      } else if (c == ')') {
        if (parens == imageSetParens) imageSetParens = -1;
        parens = Math.max(0, parens - 1);
        i++;
      } else if (c == '@') atRule();
      else if (startsName(i)) name();
      else i++;
    }
  }

  /** A string: a URL when it is an argument of image-set() itself (not of a function inside it). */
  private void string() {
    int end = stringEnd(i);
    if (imageSetParens >= 0 && parens == imageSetParens) refs.add(new Ref(i, end, unescape(stringBody(i, end)), false, false, false));
    i = end;
  }

  /** An identifier, escapes decoded: {@code url(} starts a reference, {@code image-set(} a list of them. */
  private void name() {
    int start = i;
    String name = identifier().toLowerCase(java.util.Locale.ROOT);
    if (i >= css.length() || css.charAt(i) != '(') return;
    if (name.equals("url") || name.equals("src")) {
      refs.add(urlRef(start, false));
    } else if (name.endsWith("image-set") && imageSetParens < 0) { // image-set, -webkit-image-set
      parens++;
      imageSetParens = parens;
      i++;
    }
  }

  private boolean startsName(int at) {
    char c = css.charAt(at);
    if (c == '\\') return at == 0 || !isIdentChar(css.charAt(at - 1)) && css.charAt(at - 1) != '\\';
    return (Character.isLetter(c) || c == '-' || c == '_') && (at == 0 || !isIdentChar(css.charAt(at - 1)) && css.charAt(at - 1) != '\\');
  }

  /** Reads an identifier at {@code i} (letters, digits, '-', '_', escapes), decoded; stops after 64 characters' worth. */
  private String identifier() {
    int start = i;
    while (i < css.length()) {
      char c = css.charAt(i);
      if (isIdentChar(c)) i++;
      else if (c == '\\' && i + 1 < css.length() && css.charAt(i + 1) != '\n') i = escapeEnd(i);
      else break;
    }
    return i - start > 256 ? "" : unescape(css.substring(start, i));
  }

  /** The end of the escape at {@code at} (a backslash): 1-6 hex digits and one optional space, or one character. */
  private int escapeEnd(int at) {
    int k = at + 1;
    while (k < css.length() && k < at + 7 && Character.digit(css.charAt(k), 16) >= 0) k++;
    if (k == at + 1) return at + 2;
    return k < css.length() && Character.isWhitespace(css.charAt(k)) ? k + 1 : k;
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
    i++;
    String name = identifier();
    if (name.equalsIgnoreCase("font-face")) pendingFontFace = true;
    if (!name.equalsIgnoreCase("import")) return;
    skipWhitespaceAndComments();
    if (i >= css.length()) return;
    char c = css.charAt(i);
    if (c == '"' || c == '\'') {
      int end = stringEnd(i);
      refs.add(new Ref(i, end, unescape(stringBody(i, end)), true, false, false));
      i = end;
    } else if (startsName(i)) {
      int start = i;
      if (identifier().equalsIgnoreCase("url") && i < css.length() && css.charAt(i) == '(') refs.add(urlRef(start, true));
    }
  }

  /** A {@code url(} (or {@code src(}) whose name, escapes and all, ends at {@code i}, on the '('. */
  private Ref urlRef(int start, boolean isImport) {
    i++; // after "("
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

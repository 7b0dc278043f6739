package dev.pagekeep.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Parses and rewrites {@code srcset} values (URLs may contain commas, descriptors may not). */
public final class Srcset {
  /** Candidates beyond this are dropped: no real page needs more, hostile ones can have millions. */
  static final int MAX_CANDIDATES = 64;

  public record Candidate(String url, String descriptor) {}

  private Srcset() {}

  public static List<Candidate> parse(String srcset) {
    List<Candidate> out = new ArrayList<>();
    int i = 0;
    int n = srcset.length();
    while (i < n && out.size() < MAX_CANDIDATES) {
      while (i < n && (Character.isWhitespace(srcset.charAt(i)) || srcset.charAt(i) == ',')) i++;
      int start = i;
      while (i < n && !Character.isWhitespace(srcset.charAt(i))) i++;
      String url = srcset.substring(start, i);
      boolean endsWithComma = url.endsWith(",");
      url = stripTrailingCommas(url);
      String descriptor = "";
      if (!endsWithComma) {
        int dStart = i;
        i = descriptorEnd(srcset, i);
        descriptor = srcset.substring(dStart, i).strip();
      }
      if (!url.isEmpty()) out.add(new Candidate(url, descriptor));
    }
    return out;
  }

  /** Rewrites every candidate URL; candidates mapped to null are dropped. */
  public static String rewrite(String srcset, UnaryOperator<String> mapper) {
    StringBuilder sb = new StringBuilder();
    for (Candidate c : parse(srcset)) {
      String mapped = mapper.apply(c.url());
      if (mapped == null) continue;
      if (sb.length() > 0) sb.append(", ");
      sb.append(mapped.replace(" ", "%20")); // a space would end the URL early
      if (!c.descriptor().isEmpty()) sb.append(' ').append(c.descriptor());
    }
    return sb.toString();
  }

  private static int descriptorEnd(String s, int i) {
    int depth = 0;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') depth++;
      else if (c == ')' && depth > 0) depth--;
      else if (c == ',' && depth == 0) return i;
    }
    return i;
  }

  private static String stripTrailingCommas(String url) {
    int end = url.length();
    while (end > 0 && url.charAt(end - 1) == ',') end--;
    return url.substring(0, end);
  }
}

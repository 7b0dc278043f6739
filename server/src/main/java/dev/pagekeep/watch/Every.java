package dev.pagekeep.watch;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A watch's interval: {@code 90s}, {@code 30m}, {@code 12h}, {@code 1d}, {@code 2w}; one minute to a year. */
public final class Every {
  public static final long MIN_SECONDS = 60;
  public static final long MAX_SECONDS = 366L * 86_400;
  public static final long DEFAULT_SECONDS = 86_400;
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhdw])");

  private Every() {}

  /** Seconds in {@code text}; throws {@link IllegalArgumentException} with a one-line reason. */
  public static long parse(String text) {
    if (text == null || text.isBlank()) return DEFAULT_SECONDS;
    Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) throw new IllegalArgumentException("every must be a number and a unit (s, m, h, d, w), such as 1d or 6h: " + text);
    long n = Long.parseLong(m.group(1));
    long seconds = n * switch (m.group(2)) {
      case "s" -> 1L;
      case "m" -> 60L;
      case "h" -> 3_600L;
      case "d" -> 86_400L;
      default -> 7 * 86_400L;
    };
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException("every must be between 1m and 366d: " + text);
    }
    return seconds;
  }

  /** The shortest exact form: 86400 -> "1d", 5400 -> "90m". */
  public static String format(long seconds) {
    if (seconds % (7 * 86_400L) == 0) return seconds / (7 * 86_400L) + "w";
    if (seconds % 86_400 == 0) return seconds / 86_400 + "d";
    if (seconds % 3_600 == 0) return seconds / 3_600 + "h";
    if (seconds % 60 == 0) return seconds / 60 + "m";
    return seconds + "s";
  }
}

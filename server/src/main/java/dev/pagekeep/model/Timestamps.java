package dev.pagekeep.model;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Wayback timestamps: {@code yyyyMMddHHmmss} in UTC; shorter prefixes are accepted as the earliest moment they name. */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
  private static final String PAD = "00000101000000";

  private Timestamps() {}

  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  public static Instant parse(String ts) {
    return LocalDateTime.parse(ts, DateTimeFormatter.ofPattern("yyyyMMddHHmmss")).toInstant(ZoneOffset.UTC);
  }

  /** True for 4..14 digits that pad to a valid timestamp (Wayback accepts /web/2024/...). */
  public static boolean isTimestamp(String s) {
    if (s == null || s.length() < 4 || s.length() > 14) return false;
    for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return false;
    try {
      parse(pad(s));
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** True for a complete, valid 14-digit timestamp (what identifies one snapshot). */
  public static boolean isFull(String s) {
    return s != null && s.length() == 14 && isTimestamp(s);
  }

  /** Pads a prefix like "2024" to "20240101000000". */
  public static String pad(String prefix) {
    return prefix + PAD.substring(prefix.length());
  }
}

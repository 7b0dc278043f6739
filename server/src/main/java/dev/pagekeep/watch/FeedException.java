package dev.pagekeep.watch;

/** A feed (or page) that cannot be followed, with a one-line reason for the watch's error. */
public final class FeedException extends Exception {
  public FeedException(String reason) {
    super(oneLine(reason));
  }

  static String oneLine(String s) {
    if (s == null) return "unknown error";
    String flat = s.replaceAll("[\\r\\n\\t]+", " ").strip();
    return flat.length() > 240 ? flat.substring(0, 240) + "..." : flat;
  }
}

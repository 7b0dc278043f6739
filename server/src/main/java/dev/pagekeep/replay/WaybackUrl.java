package dev.pagekeep.replay;

import dev.pagekeep.model.Timestamps;
import java.util.Locale;
import java.util.Objects;

/**
 * A replay address, Wayback-style: {@code /web/{timestamp}{modifier}/{url}}, or {@code /web/{url}} for
 * the newest snapshot. The one place that reads and writes these paths (the web UI's {@code wayback.js}
 * is its twin). The modifier says in which role the snapshot is asked for:
 *
 * <ul>
 *   <li>{@link Modifier#NONE}: a page is shown in pagekeep's replay page (banner above a frame);
 *   <li>{@link Modifier#MP}: the archived page alone, with nothing of pagekeep's inserted (the frame's content);
 *   <li>{@link Modifier#IF}/{@link Modifier#FR}: a frame of an archived page (no banner either);
 *   <li>{@link Modifier#IM}, {@link Modifier#CS}, {@link Modifier#JS}, {@link Modifier#OE}: a requisite in that role;
 *   <li>{@link Modifier#ID}: the bytes as captured, never rendered as a page.
 * </ul>
 *
 * @param timestamp 4 to 14 digits, or null for "the newest"
 * @param url       the archived URL as written after the prefix (query included)
 */
public record WaybackUrl(String timestamp, Modifier modifier, String url) {
  public static final String PREFIX = "/web/";

  /** The roles a snapshot can be asked for in; {@link #code} is how it is written after the timestamp. */
  public enum Modifier {
    NONE(""), MP("mp_"), IF("if_"), FR("fr_"), IM("im_"), CS("cs_"), JS("js_"), OE("oe_"), ID("id_");

    public final String code;

    Modifier(String code) {
      this.code = code;
    }

    /** A document shown without pagekeep's replay page around it. */
    public boolean isEmbeddedDocument() {
      return this == MP || this == IF || this == FR;
    }

    /** The modifier written as {@code code}, e.g. "im_"; null when unknown. */
    static Modifier of(String code) {
      for (Modifier m : values()) if (m != NONE && m.code.equals(code)) return m;
      return null;
    }
  }

  public WaybackUrl {
    Objects.requireNonNull(modifier, "modifier");
    Objects.requireNonNull(url, "url");
    if (timestamp == null && modifier != Modifier.NONE) throw new IllegalArgumentException("a modifier needs a timestamp");
  }

  /** The newest snapshot of {@code url}, in the replay page. */
  public static WaybackUrl newest(String url) {
    return new WaybackUrl(null, Modifier.NONE, url);
  }

  /** The snapshot of {@code url} at {@code timestamp}, in the replay page. */
  public static WaybackUrl framed(String timestamp, String url) {
    return new WaybackUrl(timestamp, Modifier.NONE, url);
  }

  /**
   * Reads what follows {@code /web/} in a request (path as sent, then {@code ?query} if any). A first
   * segment of 4 to 14 digits is the timestamp, optionally followed by a modifier; an unknown
   * two-letter modifier (Wayback has more than pagekeep needs) is read as {@code mp_}. Anything else is
   * the URL. Clients that collapse "//" ("https:/host") are repaired.
   */
  public static WaybackUrl parse(String rest) {
    Objects.requireNonNull(rest, "rest");
    String r = rest.startsWith(PREFIX) ? rest.substring(PREFIX.length()) : rest;
    int slash = r.indexOf('/');
    if (slash > 0) {
      String first = r.substring(0, slash);
      String digits = first;
      Modifier modifier = Modifier.NONE;
      if (first.length() > 3 && first.charAt(first.length() - 1) == '_') {
        String code = first.substring(first.length() - 3).toLowerCase(Locale.ROOT);
        if (Character.isLetter(code.charAt(0)) && Character.isLetter(code.charAt(1))) {
          Modifier known = Modifier.of(code);
          modifier = known == null ? Modifier.MP : known;
          digits = first.substring(0, first.length() - 3);
        }
      }
      if (Timestamps.isTimestamp(digits)) return new WaybackUrl(digits, modifier, repairScheme(r.substring(slash + 1)));
    }
    return newest(repairScheme(r));
  }

  /** The same snapshot in another role. */
  public WaybackUrl with(Modifier m) {
    return new WaybackUrl(timestamp, m, url);
  }

  /** The same role at another timestamp. */
  public WaybackUrl at(String ts) {
    return new WaybackUrl(ts, modifier, url);
  }

  /** {@code /web/{timestamp}{modifier}/{url}}, or {@code /web/{url}} without a timestamp. */
  public String path() {
    return timestamp == null ? PREFIX + url : PREFIX + timestamp + modifier.code + "/" + url;
  }

  @Override
  public String toString() {
    return path();
  }

  /** Some clients collapse "//" in paths: turn "https:/x" back into "https://x". */
  public static String repairScheme(String url) {
    for (String scheme : new String[] {"http:/", "https:/"}) {
      if (url.regionMatches(true, 0, scheme, 0, scheme.length()) && !url.regionMatches(true, 0, scheme + "/", 0, scheme.length() + 1)) {
        return scheme + "/" + url.substring(scheme.length());
      }
    }
    return url;
  }
}

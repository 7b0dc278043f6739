package dev.pagekeep.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Bounds on what one save carries besides its URL, the same for every source (API, extension,
 * imports): a save's size depends on these, not on what a request or a file could make of them (a
 * bookmarks file with deep folders, one title copied into 10,000 saves).
 */
public final class SaveLimits {
  /** Tags per save. */
  public static final int MAX_TAGS = 32;
  /** Characters per tag. */
  public static final int MAX_TAG_LENGTH = 100;
  /** Characters of a title (as a page's own title is cut in capture). */
  public static final int MAX_TITLE_LENGTH = 1000;

  private SaveLimits() {}

  /** A title cut to {@link #MAX_TITLE_LENGTH} characters (never in the middle of a surrogate pair); null stays null. */
  public static String title(String title) {
    if (title == null || title.length() <= MAX_TITLE_LENGTH) return title;
    int end = MAX_TITLE_LENGTH;
    if (Character.isHighSurrogate(title.charAt(end - 1))) end--;
    return title.substring(0, end);
  }

  /**
   * Tags stripped, blanks and repeats dropped, each cut to {@link #MAX_TAG_LENGTH}, at most
   * {@link #MAX_TAGS} of them: the innermost when there are more (a bookmark's own folder says most
   * about it). Null or none gives null.
   */
  public static List<String> tags(List<String> tags) {
    if (tags == null || tags.isEmpty()) return null;
    Set<String> kept = new LinkedHashSet<>();
    for (int i = tags.size() - 1; i >= 0 && kept.size() < MAX_TAGS; i--) {
      String t = tags.get(i) == null ? "" : tags.get(i).strip();
      if (t.length() > MAX_TAG_LENGTH) t = t.substring(0, Character.isHighSurrogate(t.charAt(MAX_TAG_LENGTH - 1)) ? MAX_TAG_LENGTH - 1 : MAX_TAG_LENGTH).strip();
      if (!t.isEmpty()) kept.add(t);
    }
    if (kept.isEmpty()) return null;
    List<String> out = new ArrayList<>(kept);
    java.util.Collections.reverse(out); // outermost first again
    return out;
  }
}

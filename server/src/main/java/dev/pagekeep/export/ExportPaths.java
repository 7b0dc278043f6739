package dev.pagekeep.export;

import dev.pagekeep.model.Capture;
import java.util.regex.Pattern;

/**
 * Paths inside an export, built only from a snapshot's urlKey (32 hex) and timestamp (14
 * digits), checked here, so no URL or title can steer a file outside the export
 * (the seed cache's layout: {@code <year>/<urlKey>/index.html}).
 */
public final class ExportPaths {
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern TS = Pattern.compile("\\d{14}");

  private ExportPaths() {}

  /** {@code 2024/0123...cdef} for a page snapshot. */
  public static String articleDir(Capture c) {
    if (!KEY.matcher(c.urlKey()).matches()) throw new IllegalArgumentException("not a urlKey: " + c.urlKey());
    if (!TS.matcher(c.timestamp()).matches()) throw new IllegalArgumentException("not a timestamp: " + c.timestamp());
    return c.timestamp().substring(0, 4) + "/" + c.urlKey();
  }

  /**
   * True when a relative path from an export (a zip entry) stays inside its directory:
   * no absolute path, no {@code ..}, no backslashes or drive letters.
   */
  public static boolean isSafeRelative(String path) {
    if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains(":")) return false;
    for (String part : path.split("/")) if (part.equals("..") || part.equals(".")) return false;
    return true;
  }
}

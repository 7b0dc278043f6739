package dev.pagekeep.export;

import java.util.Locale;

/** What {@code pagekeep export --format} and {@code GET /api/export?format=} accept. */
public enum ExportFormat {
  WARC, WACZ, SITE, MARKDOWN;

  /** One file (WARC, WACZ) rather than a tree of files (site, Markdown). */
  public boolean isSingleFile() { return this == WARC || this == WACZ; }

  public String wire() { return name().toLowerCase(Locale.ROOT); }

  public static ExportFormat fromWire(String s) {
    for (ExportFormat f : values()) if (f.wire().equalsIgnoreCase(s == null ? "" : s.strip())) return f;
    throw new IllegalArgumentException("unknown export format '" + s + "' (expected warc, wacz, site or markdown)");
  }
}

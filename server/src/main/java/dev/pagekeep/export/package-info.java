/**
 * Writing the archive out: WARC 1.1 (for pywb and other Wayback tools), a static site in the
 * seed cache's layout, and Markdown. Every path written is derived from a snapshot's key and
 * timestamp ({@link dev.pagekeep.export.ExportPaths}), never from URL or title text.
 */
package dev.pagekeep.export;

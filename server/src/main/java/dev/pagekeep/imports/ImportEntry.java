package dev.pagekeep.imports;

import java.util.List;

/**
 * One URL found in an import file.
 *
 * @param title the bookmark's name, or null
 * @param tags  the folders it sits in, outermost first (empty for URL lists)
 * @param line  where it starts in the file (1-based), for error messages
 */
public record ImportEntry(String url, String title, List<String> tags, long line) {}

package dev.pagekeep.capture;

import dev.pagekeep.media.Charsets;
import java.util.List;

/**
 * What capture learns from an HTML page.
 *
 * @param title      {@code <title>}, else og:title, else the first h1; "" when none
 * @param text       visible body text, one line per block, whitespace collapsed (for search and diff)
 * @param charset    the charset the bytes were decoded with (see {@link Charsets#detect})
 * @param baseUrl    the URL relative references resolve against ({@code <base href>} or the page URL)
 * @param requisites resources to fetch with the page, deduplicated, in document order
 * @param links      absolute http(s) link targets without fragment, deduplicated
 */
public record ParsedPage(String title, String text, String charset, String baseUrl,
                         List<Requisite> requisites, List<String> links) {
  public ParsedPage {
    requisites = List.copyOf(requisites);
    links = List.copyOf(links);
  }
}

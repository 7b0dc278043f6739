package dev.pagekeep.fetch;

import java.util.List;

/**
 * A fetched response: where it ended up, what it said, and how hard it was to get.
 *
 * @param headers "Name: value" lines of the final response
 * @param redirects URLs passed through, in order (empty when none)
 */
public record FetchResult(
    String url, String finalUrl, int status, String contentType, List<String> headers,
    byte[] body, int attempts, List<String> redirects) {

  /** The media type without parameters, lower case ("text/html"), or "" when absent. */
  public String mediaType() {
    if (contentType == null) return "";
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
  }
}

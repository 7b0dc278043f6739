package dev.pagekeep.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A {@link UrlRewriter} that records its calls; links are archived only when listed. */
public final class RecordingRewriter implements UrlRewriter {
  public static final String PREFIX = "/web/20260101000000/";

  public final List<String> resources = new ArrayList<>();
  public final List<String> links = new ArrayList<>();
  private final Set<String> archived;

  public RecordingRewriter(String... archivedLinks) {
    this.archived = Set.of(archivedLinks);
  }

  @Override
  public String resource(String absoluteUrl, Requisite.Kind kind) {
    resources.add(absoluteUrl);
    return PREFIX + absoluteUrl;
  }

  @Override
  public String link(String absoluteUrl) {
    links.add(absoluteUrl);
    return archived.contains(absoluteUrl) ? PREFIX + absoluteUrl : null;
  }
}

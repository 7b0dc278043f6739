package dev.pagekeep.capture;

import java.util.List;

/** Interim minimal version; replaced by the capture branch. */
public final class CssCapture {
  private CssCapture() {}

  public static List<Requisite> requisites(String css, String cssUrl) { return List.of(); }

  public static String rewrite(String css, String cssUrl, UrlRewriter rewriter) { return css; }
}

package dev.pagekeep.capture;

public interface UrlRewriter {
  String resource(String absoluteUrl);
  String link(String absoluteUrl);
}

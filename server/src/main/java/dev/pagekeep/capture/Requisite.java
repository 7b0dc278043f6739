package dev.pagekeep.capture;

public record Requisite(String url, Kind kind) {
  public enum Kind { STYLESHEET, IMAGE, FONT, MEDIA, ICON, FRAME, OTHER }
}

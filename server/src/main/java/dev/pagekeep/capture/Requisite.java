package dev.pagekeep.capture;

import java.util.Objects;

/** A resource a page needs to render (not a navigational link): absolute http(s) URL and its kind. */
public record Requisite(String url, Kind kind) {
  public enum Kind { STYLESHEET, IMAGE, FONT, MEDIA, ICON, FRAME, OTHER }

  public Requisite {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(kind, "kind");
  }
}

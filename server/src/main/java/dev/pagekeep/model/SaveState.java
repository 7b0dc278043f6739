package dev.pagekeep.model;

import java.util.Locale;

/**
 * Where a save is: waiting on disk, being fetched, archived, given up with a reason, or waiting
 * for the browser because the service's own fetch met a wall (login, paywall, consent or bot
 * challenge); the extension captures those in a background tab and records the DOM against the save.
 */
public enum SaveState {
  QUEUED, FETCHING, DONE, FAILED, NEEDS_BROWSER;

  public String wire() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

  public static SaveState fromWire(String s) {
    for (SaveState state : values()) if (state.wire().equals(s)) return state;
    throw new IllegalArgumentException("unknown save state '" + s + "' (expected queued, fetching, done, failed or needs-browser)");
  }
}

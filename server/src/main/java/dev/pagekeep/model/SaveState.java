package dev.pagekeep.model;

import java.util.Locale;

/** Where a save is: waiting on disk, being fetched, archived, or given up with a reason. */
public enum SaveState {
  QUEUED, FETCHING, DONE, FAILED;

  public String wire() { return name().toLowerCase(Locale.ROOT); }

  public static SaveState fromWire(String s) {
    for (SaveState state : values()) if (state.wire().equals(s)) return state;
    throw new IllegalArgumentException("unknown save state '" + s + "' (expected queued, fetching, done or failed)");
  }
}

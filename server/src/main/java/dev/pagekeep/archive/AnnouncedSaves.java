package dev.pagekeep.archive;

import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The saves the API just queued, as it queued them, so that their captures start without reading
 * them back from the store: a store read waits for the group commit under way (two fsyncs), and on
 * a run of small pages that wait was a sixth of every page's time. Bounded: past {@link #MAX} saves
 * (an import of thousands) the rest are read from the store when they start, as before. A save is
 * taken once, when it starts or when it is deleted while queued.
 */
final class AnnouncedSaves {
  static final int MAX = 4096;

  private final ConcurrentHashMap<Long, Save> saves = new ConcurrentHashMap<>();

  void put(List<Save> queued) {
    for (Save s : queued) {
      if (s == null) continue;
      if (s.state() != SaveState.QUEUED) {
        saves.remove(s.id());
      } else if (saves.size() < MAX) {
        saves.put(s.id(), s);
      } else {
        saves.remove(s.id()); // an older copy must not start in its place
      }
    }
  }

  /** The save as announced, or null (not announced, or past the bound): then read it from the store. */
  Save take(long id) {
    return saves.remove(id);
  }

  int size() {
    return saves.size();
  }
}

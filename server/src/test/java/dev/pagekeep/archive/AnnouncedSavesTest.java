package dev.pagekeep.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.pagekeep.model.Save;
import dev.pagekeep.store.ArchiveStore.Enqueued;
import dev.pagekeep.store.ArchiveStore.NewSave;
import dev.pagekeep.store.MapDbArchiveStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnouncedSavesTest {
  private static List<Save> queued(MapDbArchiveStore store, int n) {
    List<NewSave> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) batch.add(new NewSave("https://a.example/" + i, "api", null, null));
    List<Save> out = new ArrayList<>();
    for (Enqueued e : store.enqueue(batch)) out.add(e.save());
    return out;
  }

  @Test
  void aSaveIsTakenOnceAndOnlyWhileQueued() {
    try (MapDbArchiveStore store = MapDbArchiveStore.inMemory()) {
      AnnouncedSaves announced = new AnnouncedSaves();
      Save s = queued(store, 1).get(0);
      announced.put(List.of(s));
      assertSame(s, announced.take(s.id()));
      assertNull(announced.take(s.id()), "taken once: a second start reads the store");

      announced.put(List.of(s));
      Save failed = store.fail(s, 1, "test");
      announced.put(List.of(failed)); // announced again in another state: the queued copy must go
      assertNull(announced.take(s.id()));
    }
  }

  @Test
  void pastTheBoundSavesAreLeftToTheStoreAndNoStaleCopyStays() {
    try (MapDbArchiveStore store = MapDbArchiveStore.inMemory()) {
      AnnouncedSaves announced = new AnnouncedSaves();
      List<Save> many = queued(store, AnnouncedSaves.MAX + 10);
      announced.put(many);
      assertEquals(AnnouncedSaves.MAX, announced.size());
      assertNull(announced.take(many.get(many.size() - 1).id()), "past the bound: read from the store when it starts");
      assertSame(many.get(0), announced.take(many.get(0).id()));
    }
  }
}

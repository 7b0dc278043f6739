package dev.pagekeep.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Timestamps;
import dev.pagekeep.store.MapDbArchiveStore;
import dev.pagekeep.testing.Captures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The walks every export takes, over more snapshots than one page of records (500). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArticlesTest {
  static final int URLS = 620;
  MapDbArchiveStore store;

  @BeforeAll
  void archive() {
    store = MapDbArchiveStore.inMemory();
    Instant start = Instant.parse("2024-01-01T00:00:00Z");
    // Each URL twice, an hour apart, interleaved: 1,240 snapshots, 620 articles.
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < URLS; i++) {
        String ts = Timestamps.format(start.plusSeconds(round * 3600L + i));
        store.putSnapshot(Captures.page("https://walk.example/" + i, ts, "<p>page " + i + " round " + round, List.of()), List.of());
      }
    }
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void oldestFirstGivesEverySnapshotOnceInTimeOrderAcrossBlocks() {
    List<Capture> seen = new ArrayList<>();
    Articles.eachSnapshotOldestFirst(store, seen::add);
    assertThat(seen).hasSize(2 * URLS);
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).timestamp()).isGreaterThan(seen.get(i - 1).timestamp());
    }
    assertThat(seen.get(0).url()).isEqualTo("https://walk.example/0");
    assertThat(seen.get(seen.size() - 1).url()).isEqualTo("https://walk.example/" + (URLS - 1));
  }

  @Test
  void articlesAreTheNewestSnapshotOfEachUrlNewestFirst() {
    List<Capture> seen = new ArrayList<>();
    Articles.eachArticle(store, seen::add);
    assertThat(seen).hasSize(URLS);
    assertThat(seen.stream().map(Capture::url).distinct()).hasSize(URLS);
    assertThat(seen).allMatch(c -> c.timestamp().compareTo("20240101010000") >= 0); // all from the second round
    assertThat(seen.get(0).url()).isEqualTo("https://walk.example/" + (URLS - 1));
  }
}

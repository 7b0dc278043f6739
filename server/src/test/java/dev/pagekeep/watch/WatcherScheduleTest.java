package dev.pagekeep.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.fetch.OkHttpFetcher;
import dev.pagekeep.model.Watch;
import dev.pagekeep.store.MapDbArchiveStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The schedule, with a clock the test moves: a watch is checked when it is due, and not before. */
class WatcherScheduleTest {
  private final FeedSite site = new FeedSite();
  private final MapDbArchiveStore store = MapDbArchiveStore.inMemory();
  private final OkHttpFetcher fetcher = new OkHttpFetcher(FetchLimits.defaults());
  private final AtomicInteger wakes = new AtomicInteger();
  private Instant now = Instant.parse("2026-11-30T12:00:00Z");
  private Watcher watcher;

  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };

  @BeforeEach
  void start() {
    watcher = new Watcher(store, store.watches(), fetcher, wakes::incrementAndGet, clock);
  }

  @AfterEach
  void stop() {
    watcher.close();
    fetcher.close();
    store.close();
    site.close();
  }

  @Test
  void aWatchIsCheckedWhenDueAndItsNextCheckMovesOnByItsInterval() {
    site.page("/post/1", "one");
    site.put("/feed", FeedTexts.Format.JSON.contentType, FeedTexts.json("Blog",
        List.of(new FeedTexts.Item("1", site.url("/post/1"), "one", ""))));
    long id = store.watches().add(site.url("/feed"), Every.parse("6h"), false, false, clock.millis()).watch().id();

    assertThat(watcher.runDue()).isEqualTo(1); // new watches are due at once
    Watch w = store.watches().get(id).orElseThrow();
    assertThat(w.lastCheck()).isEqualTo(now.toEpochMilli());
    assertThat(w.nextCheck()).isEqualTo(now.plus(Duration.ofHours(6)).toEpochMilli());
    assertThat(w.addedTotal()).isEqualTo(1);
    assertThat(wakes.get()).isEqualTo(1);
    assertThat(store.stats().queued()).isEqualTo(1);

    now = now.plus(Duration.ofHours(5));
    assertThat(watcher.runDue()).isZero();

    now = now.plus(Duration.ofHours(1));
    assertThat(watcher.runDue()).isEqualTo(1);
    assertThat(store.watches().get(id).orElseThrow().lastResult()).isEqualTo("nothing new");
    assertThat(store.stats().queued()).isEqualTo(1);
  }

  @Test
  void intervalsAreReadAndWrittenInTheirShortestForm() {
    assertThat(Every.parse("1d")).isEqualTo(86_400);
    assertThat(Every.parse("90m")).isEqualTo(5_400);
    assertThat(Every.parse(null)).isEqualTo(Every.DEFAULT_SECONDS);
    assertThat(Every.format(7 * 86_400)).isEqualTo("1w");
    assertThat(Every.format(5_400)).isEqualTo("90m");
    for (String bad : List.of("0m", "30s", "1y", "d", "-1d", "400d")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Every.parse(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every");
    }
  }
}

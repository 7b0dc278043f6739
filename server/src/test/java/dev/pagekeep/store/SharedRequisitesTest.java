package dev.pagekeep.store;

import static dev.pagekeep.testing.Captures.page;
import static dev.pagekeep.testing.Captures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagekeep.model.Capture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapdb.DB;
import org.mapdb.DBMaker;

/**
 * Pages of one second share the requisites the first of them stored, and the writer remembers
 * which those are rather than asking the tree each time: it must never remember one the tree lost
 * (a rolled-back write, a deleted page).
 */
class SharedRequisitesTest {
  private static final String TS = "20240101000000";
  private static final String CSS = "https://shared.example/site.css";

  private DB db;
  private Snapshots snapshots;
  private StoreWriter writer;

  @BeforeEach
  void open() {
    db = DBMaker.memoryDB().transactionEnable().make();
    Blobs blobs = new Blobs(db);
    snapshots = new Snapshots(db, blobs);
    db.commit();
    writer = new StoreWriter(db, null, StoreWriter.Upkeep.NONE, snapshots::rolledBack);
  }

  @AfterEach
  void close() {
    writer.close();
    db.close();
  }

  private Capture putPage(String path) {
    return writer.write(() -> snapshots.putPage(page("https://shared.example/" + path, TS, "<p>" + path, List.of()),
        List.of(resource(CSS, TS, "a{}".getBytes())), null));
  }

  private String cssId() {
    return dev.pagekeep.model.UrlKeys.urlKey(CSS) + "/" + TS;
  }

  private List<String> problems() {
    List<String> problems = new ArrayList<>();
    Map<String, Long> named = new HashMap<>();
    writer.read(() -> {
      snapshots.verify(named, problems);
      return null;
    });
    return problems;
  }

  @Test
  void theFirstPageOfASecondStoresARequisiteAndTheNextShareIt() {
    Capture first = putPage("a");
    Capture second = putPage("b");
    assertThat(first.resources()).containsExactly(cssId());
    assertThat(second.resources()).as("shared, not claimed twice").isEmpty();
    assertThat(writer.read(() -> snapshots.get(cssId()))).isNotNull();
  }

  @Test
  void aRequisiteStoredByARolledBackWriteIsStoredAgainByTheNextPage() {
    assertThatThrownBy(() -> writer.write(() -> {
      snapshots.putPage(page("https://shared.example/gone", TS, "<p>gone", List.of()),
          List.of(resource(CSS, TS, "a{}".getBytes())), null);
      throw new IllegalStateException("refused after the page was put");
    })).hasMessageContaining("refused");
    assertThat(writer.read(() -> snapshots.get(cssId()))).as("rolled back").isNull();

    Capture next = putPage("next");
    assertThat(next.resources()).as("the next page stores it again").containsExactly(cssId());
    assertThat(writer.read(() -> snapshots.get(cssId()))).isNotNull();
    assertThat(problems()).isEmpty();
  }

  @Test
  void aRequisiteDeletedWithItsPageIsStoredAgainByTheNextPage() {
    Capture first = putPage("a");
    putPage("b");
    writer.write(() -> snapshots.delete(first.urlKey(), first.timestamp()));
    assertThat(writer.read(() -> snapshots.get(cssId()))).as("deleted with the page that claimed it").isNull();

    Capture next = putPage("c");
    assertThat(next.resources()).containsExactly(cssId());
    assertThat(writer.read(() -> snapshots.get(cssId()))).isNotNull();
    assertThat(problems()).isEmpty();
  }
}

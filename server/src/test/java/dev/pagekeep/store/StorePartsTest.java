package dev.pagekeep.store;

import static dev.pagekeep.testing.Captures.page;
import static dev.pagekeep.testing.Captures.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.store.ArchiveStore.NewSave;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * Each part of the store keeps its own invariants and finds them broken in its own
 * {@code verify}: here each is broken behind the part's back, in its own collections.
 */
class StorePartsTest {
  private DB db;
  private Blobs blobs;
  private Snapshots snapshots;
  private SaveQueue queue;
  private Save queued;
  private Capture stored;

  @BeforeEach
  void fill() {
    db = DBMaker.memoryDB().transactionEnable().make();
    blobs = new Blobs(db);
    snapshots = new Snapshots(db, blobs);
    queue = new SaveQueue(db, blobs);
    queued = queue.enqueue(SaveQueue.Prepared.of(new NewSave("https://parts.example/q", "api", null, "<p>dom".getBytes())), 1L).save();
    Save done = queue.enqueue(SaveQueue.Prepared.of(new NewSave("https://parts.example/d", "api", null, null)), 1L).save();
    stored = snapshots.putPage(page(done.url(), "20240101000000", "<p>d</p>", List.of()),
        List.of(resource("https://parts.example/d.css", "20240101000000", "a{}".getBytes())), null);
    queue.leave(done.id(), s -> s.done(stored.timestamp(), 1, 2L));
    db.commit();
    assertThat(problems()).as("sound as filled").isEmpty();
  }

  private List<String> problems() {
    List<String> problems = new ArrayList<>();
    Map<String, Long> named = new HashMap<>();
    queue.verify(named, problems);
    snapshots.verify(named, problems);
    blobs.verify(named, problems);
    return problems;
  }

  @Test
  void theQueueNamesAQueuedSaveMissingFromTheQueue() {
    db.treeSet("queue", Serializer.LONG).createOrOpen().remove(queued.id());
    assertThat(problems()).containsExactlyInAnyOrder(
        "queued save " + queued.id() + " is not on the queue",
        "admission order has 1 saves, the queue 0");
  }

  @Test
  void theQueueNamesAStateCountThatDisagreesWithItsRecords() {
    db.atomicLong("count.done").createOrOpen().set(5);
    assertThat(problems()).containsExactly("done count is 5, records say 1");
    assertThat(queue.count(SaveState.QUEUED)).isEqualTo(1);
  }

  @Test
  void theSnapshotsNameAPageMissingFromTheTimeIndexAndAWrongCount() {
    db.treeSet("pagesByTime", Serializer.STRING).createOrOpen().clear();
    db.atomicLong("pageCount").createOrOpen().set(3);
    assertThat(problems()).containsExactlyInAnyOrder(
        "page " + stored.id() + " missing from the time index",
        "page count is 3, records say 1");
  }

  @Test
  void theBlobsNameAReferenceCountThatDisagreesWithTheRecords() {
    db.hashMap("blobRefs", Serializer.STRING, Serializer.LONG).createOrOpen().put(stored.digest(), 7L);
    assertThat(problems()).containsExactly("blob " + stored.digest() + " has 7 references, records say 1");
  }

  @Test
  void deletingASnapshotThenItsSaveLeavesNoBlobAndNoCount() {
    assertThat(snapshots.delete(stored.urlKey(), null)).isEqualTo(1);
    assertThat(queue.delete(queued.id())).isTrue();
    assertThat(problems()).isEmpty();
    assertThat(snapshots.pageCount()).isZero();
    assertThat(snapshots.urlCount()).isZero();
    assertThat(snapshots.logicalBytes()).isZero();
    assertThat(snapshots.keysForUrl(stored.url())).isEmpty();
    assertThat(blobs.count()).as("the done save names no blob; the queued one's DOM went with it").isZero();
    assertThat(blobs.storedBytes()).isZero();
  }

  @Test
  void stateKeysPadIdsTo19DigitsAsBefore() {
    for (long id : new long[] {0, 5, 1234567890123L, Long.MAX_VALUE, -5}) {
      assertThat(SaveQueue.pad(id)).isEqualTo(String.format("%019d", id));
    }
  }
}

package dev.pagekeep.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The byte budget's policy: what is admitted at once, what waits, in which order. No timing. */
class BodyBudgetTest {

  @Test
  void admitsWhileTheBytesFitAndQueuesBeyond() {
    BodyBudget b = new BodyBudget(1000);
    assertThat(b.reserve(600)).isDone();
    assertThat(b.reserve(400)).isDone();
    CompletableFuture<Void> third = b.reserve(1);
    assertThat(third).isNotDone();
    assertThat(b.held()).isEqualTo(1000);
    assertThat(b.waiting()).isEqualTo(1);
    b.release(400);
    assertThat(third).isDone();
    assertThat(b.held()).isEqualTo(601);
    assertThat(b.waiting()).isZero();
  }

  @Test
  void aPersonsSaveWaitsOnlyBehindOtherPersonsSaves() {
    BodyBudget b = new BodyBudget(1000);
    assertThat(b.reserve(1000)).isDone();
    CompletableFuture<Void> bulk1 = b.reserve(500);
    CompletableFuture<Void> bulk2 = b.reserve(500);
    CompletableFuture<Void> click = b.reserve(600, true); // queued after two bulk pages
    CompletableFuture<Void> click2 = b.reserve(300, true);
    assertThat(b.waiting()).isEqualTo(4);
    b.release(1000);
    assertThat(click).as("the click goes first").isDone();
    assertThat(click2).isDone();
    assertThat(bulk1).as("900 held: the bulk page waits").isNotDone();
    b.release(600);
    assertThat(bulk1).isDone();
    assertThat(bulk2).isNotDone();
    // A click that does not fit is not overtaken by a smaller bulk page behind it.
    CompletableFuture<Void> big = b.reserve(900, true);
    CompletableFuture<Void> small = b.reserve(10);
    b.release(300);
    assertThat(big).isNotDone();
    assertThat(small).isNotDone();
    assertThat(bulk2).isNotDone();
    b.release(500);
    assertThat(big).isDone();
    assertThat(bulk2).isNotDone();
    // With a bulk page waiting, a click that fits is admitted at once.
    assertThat(b.reserve(50, true)).isDone();
  }

  @Test
  void aPageLargerThanTheBudgetIsAdmittedAloneOnly() {
    BodyBudget b = new BodyBudget(1000);
    assertThat(b.reserve(5000)).isDone(); // nothing held: admitted
    CompletableFuture<Void> small = b.reserve(10);
    assertThat(small).isNotDone();
    b.release(5000);
    assertThat(small).isDone();
    CompletableFuture<Void> big = b.reserve(5000);
    assertThat(big).isNotDone(); // something held: waits for it
    b.release(10);
    assertThat(big).isDone();
  }

  @Test
  void waitersAreAdmittedInOrderAndASmallOneDoesNotOvertakeABigOne() {
    BodyBudget b = new BodyBudget(1000);
    b.reserve(900);
    CompletableFuture<Void> big = b.reserve(800);
    CompletableFuture<Void> small = b.reserve(50); // would fit now, but waits behind big
    assertThat(big).isNotDone();
    assertThat(small).isNotDone();
    b.release(900);
    assertThat(big).isDone();
    assertThat(small).isDone(); // 800 + 50 fit
    assertThat(b.held()).isEqualTo(850);
  }

  @Test
  void oneReleaseAdmitsEveryWaiterThatFits() {
    BodyBudget b = new BodyBudget(1000);
    b.reserve(1000);
    CompletableFuture<Void> a = b.reserve(300);
    CompletableFuture<Void> c = b.reserve(300);
    CompletableFuture<Void> d = b.reserve(500);
    b.release(1000);
    assertThat(a).isDone();
    assertThat(c).isDone();
    assertThat(d).isNotDone(); // 600 + 500 > 1000
    b.release(300);
    assertThat(d).isDone();
  }

  @Test
  void theEstimateFollowsRecordedBodiesWithinBounds() {
    BodyBudget b = new BodyBudget(1 << 20);
    assertThat(b.estimate()).isEqualTo(BodyBudget.INITIAL_ESTIMATE);
    for (int i = 0; i < 200; i++) b.record(100_000);
    assertThat(b.estimate()).isBetween(99_000L, 101_000L);
    for (int i = 0; i < 200; i++) b.record(10);
    assertThat(b.estimate()).isEqualTo(BodyBudget.MIN_ESTIMATE);
    b.record(-1); // unknown: ignored
    assertThat(b.estimate()).isEqualTo(BodyBudget.MIN_ESTIMATE);
  }

  @Test
  void releasingMoreThanHeldIsABug() {
    BodyBudget b = new BodyBudget(1000);
    b.reserve(10);
    assertThatThrownBy(() -> b.release(11)).isInstanceOf(IllegalStateException.class).hasMessageContaining("10 held");
    assertThatThrownBy(() -> new BodyBudget(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theHeapBudgetIsAnEighthOfTheHeap() {
    assertThat(BodyBudget.forHeap(256L << 20).maxBytes()).isEqualTo(32L << 20);
    assertThat(BodyBudget.unlimited().reserve(Long.MAX_VALUE / 2)).isDone();
  }
}

package dev.saguaro.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RunSlotsTest {

  @Test
  void waiterGetsSlotWhenOneIsReleased() {
    RunSlots slots = new RunSlots(1);
    CompletableFuture<RunSlots.Slot> first = slots.acquire().toCompletableFuture();
    CompletableFuture<RunSlots.Slot> second = slots.acquire().toCompletableFuture();

    assertThat(first).isCompleted();
    assertThat(second).isNotDone();

    first.join().release();

    assertThat(second).isCompleted();
    assertThat(slots.inUse()).isEqualTo(1);
  }

  @Test
  void releasingTwiceFreesOneSlot() {
    RunSlots slots = new RunSlots(2);
    RunSlots.Slot slot = slots.acquire().toCompletableFuture().join();
    slots.acquire();

    slot.release();
    slot.release();

    assertThat(slots.inUse()).isEqualTo(1);
  }

  @Test
  void waitersAreServedInArrivalOrder() {
    RunSlots slots = new RunSlots(1);
    RunSlots.Slot taken = slots.acquire().toCompletableFuture().join();
    CompletableFuture<RunSlots.Slot> second = slots.acquire().toCompletableFuture();
    CompletableFuture<RunSlots.Slot> third = slots.acquire().toCompletableFuture();

    taken.release();

    assertThat(second).isCompleted();
    assertThat(third).isNotDone();
  }

  @Test
  void zeroCapacityIsRejected() {
    assertThatThrownBy(() -> new RunSlots(0))
        .hasMessageContaining("saguaro.trainer.max-concurrent-runs is 0");
  }
}

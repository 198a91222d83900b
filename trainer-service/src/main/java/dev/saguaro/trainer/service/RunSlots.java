package dev.saguaro.trainer.service;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A fixed number of run slots handed out asynchronously: {@link #acquire()} returns a stage that
 * completes once a slot is free, so that the Kafka consumer waits without blocking a thread.
 * Waiters are served in arrival order. Thread-safe.
 */
final class RunSlots {

  private final int capacity;
  private final Queue<CompletableFuture<Slot>> waiters = new ArrayDeque<>();
  private int inUse;

  RunSlots(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "saguaro.trainer.max-concurrent-runs is " + capacity + "; use 1 or more");
    }
    this.capacity = capacity;
  }

  /** A taken slot; {@link #release()} gives it back once, later calls do nothing. */
  final class Slot {
    private boolean released;

    void release() {
      CompletableFuture<Slot> next;
      synchronized (RunSlots.this) {
        if (released) {
          return;
        }
        released = true;
        next = waiters.poll();
        if (next == null) {
          inUse--;
          return;
        }
      }
      // The slot passes straight to the next waiter; complete it outside the lock.
      next.complete(new Slot());
    }
  }

  /** Returns a stage that completes with a slot as soon as one is free. */
  synchronized CompletionStage<Slot> acquire() {
    if (inUse < capacity) {
      inUse++;
      return CompletableFuture.completedFuture(new Slot());
    }
    CompletableFuture<Slot> waiter = new CompletableFuture<>();
    waiters.add(waiter);
    return waiter;
  }

  synchronized int inUse() {
    return inUse;
  }

  int capacity() {
    return capacity;
  }
}

package dev.saguaro.trainer.service;

import dev.saguaro.contracts.TrainingRequest;
import dev.saguaro.trainer.client.ClaimOutcome;
import dev.saguaro.trainer.client.IngestClient;
import dev.saguaro.trainer.client.IngestRejectedException;
import dev.saguaro.trainer.client.IngestUnavailableException;
import dev.saguaro.trainer.config.TrainerConfig;
import dev.saguaro.trainer.config.TrainerIdentity;
import dev.saguaro.trainer.messaging.TrainingEventPublisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes a run slot for each request, claims the attempt at the ingest service and starts the run on
 * a worker thread of its own.
 *
 * <p>The slot is taken before the claim, because a claim starts the ingest service's lease clock
 * and heartbeats only flow for runs that hold a slot. A request is skipped without a claim when an
 * attempt of the same run is already active here, and skipped after the claim when the ingest
 * service rejects it (409: finished, cancelled, superseded or claimed by another trainer).
 * Thread-safe.
 */
@ApplicationScoped
public class TrainingRunDispatcher {

  private static final long SHUTDOWN_WAIT_SECONDS = 30;

  private final TrainingRunRegistry registry;
  private final IngestClient ingest;
  private final TrainingEventPublisher events;
  private final TrainingRunner runner;
  private final TrainingRunMetrics metrics;
  private final String trainerId;
  private final RunSlots slots;
  private final ExecutorService workers;

  public TrainingRunDispatcher(
      TrainerConfig config,
      TrainerIdentity identity,
      TrainingRunRegistry registry,
      IngestClient ingest,
      TrainingEventPublisher events,
      TrainingRunner runner,
      TrainingRunMetrics metrics) {
    this.registry = registry;
    this.ingest = ingest;
    this.events = events;
    this.runner = runner;
    this.metrics = metrics;
    this.trainerId = identity.trainerId();
    this.slots = new RunSlots(config.maxConcurrentRuns());
    this.workers = Executors.newFixedThreadPool(config.maxConcurrentRuns(), workerThreads());
  }

  /**
   * Dispatches {@code request}. The stage completes once the run is handed to a worker or skipped,
   * and then its record may be acknowledged. While every slot is busy, the stage stays incomplete.
   */
  public CompletionStage<Void> dispatch(TrainingRequest request) {
    if (registry.isActive(request.runId())) {
      // NOTE: a newer attempt of a run that is active here is skipped too. That only happens when
      // this attempt's heartbeats did not reach the ingest service, which then re-queues again.
      Log.infof(
          "Run %s attempt %d is already active on this trainer; redelivered request skipped",
          request.runId(), request.attempt());
      return CompletableFuture.completedFuture(null);
    }
    if (slots.inUse() >= slots.capacity()) {
      Log.infof(
          "All %d run slots are busy; run %s attempt %d waits for a free slot",
          slots.capacity(), request.runId(), request.attempt());
    }
    return slots.acquire().thenCompose(slot -> startInSlot(request, slot));
  }

  /** Slots in use and in total, for the status endpoint and health check. */
  public int busySlots() {
    return slots.inUse();
  }

  public int slotCapacity() {
    return slots.capacity();
  }

  private CompletionStage<Void> startInSlot(TrainingRequest request, RunSlots.Slot slot) {
    Optional<ActiveRun> registered = registry.register(request);
    if (registered.isEmpty()) {
      slot.release();
      Log.infof(
          "Run %s attempt %d became active while the request waited; redelivered request skipped",
          request.runId(), request.attempt());
      return CompletableFuture.completedFuture(null);
    }

    ActiveRun run = registered.get();
    CompletableFuture<Void> handedOver = new CompletableFuture<>();
    try {
      workers.execute(() -> claimAndRun(run, slot, handedOver));
    } catch (RuntimeException e) {
      registry.remove(run);
      slot.release();
      handedOver.completeExceptionally(e);
    }
    return handedOver;
  }

  private void claimAndRun(ActiveRun run, RunSlots.Slot slot, CompletableFuture<Void> handedOver) {
    try {
      if (claim(run)) {
        handedOver.complete(null);
        runner.execute(run);
      }
    } catch (RuntimeException e) {
      Log.errorf(e, "Run %s attempt %d stopped unexpectedly", run.runId(), run.attempt());
    } finally {
      // Free the slot before the consumer moves on, so that its next record finds it free.
      registry.remove(run);
      slot.release();
      handedOver.complete(null);
    }
  }

  /** Claims the attempt; returns whether this trainer may run it. */
  private boolean claim(ActiveRun run) {
    ClaimOutcome outcome;
    try {
      outcome = ingest.claimAttempt(run.runId(), run.attempt(), trainerId);
    } catch (IngestUnavailableException | IngestRejectedException e) {
      Log.errorf(
          "Run %s attempt %d: claim failed, the run is reported as failed: %s",
          run.runId(), run.attempt(), e.getMessage());
      metrics.runFailed();
      events.publishFailed(
          run, "The trainer could not claim the run at the ingest service: " + e.getMessage());
      return false;
    }

    if (!outcome.granted()) {
      Log.infof(
          "Run %s attempt %d not claimed (%s); request skipped",
          run.runId(), run.attempt(), outcome.detail());
      return false;
    }
    Log.infof(
        "Run %s attempt %d claimed by trainer %s (lease %d s)",
        run.runId(), run.attempt(), trainerId, outcome.leaseSeconds());
    run.markClaimed();
    return true;
  }

  /**
   * Stops the runs at their next batch without a final event, so that the ingest service re-queues
   * them when their lease runs out, and waits a bounded time for the workers to finish.
   */
  void stopRuns(@Observes ShutdownEvent event) {
    for (ActiveRun run : registry.activeRuns()) {
      Log.warnf(
          "Run %s attempt %d is abandoned because the trainer stops; the ingest service re-queues"
              + " it when its lease runs out",
          run.runId(), run.attempt());
      run.abandon();
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
        Log.warnf("Training workers did not stop within %d s", SHUTDOWN_WAIT_SECONDS);
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
  }

  private static ThreadFactory workerThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "saguaro-training-run-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

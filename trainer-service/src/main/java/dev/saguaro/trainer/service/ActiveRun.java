package dev.saguaro.trainer.service;

import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.TrainingRequest;
import java.time.Instant;

/**
 * One training attempt that this trainer has taken a slot for, from the claim until its final
 * event.
 *
 * <p>Thread-safe: the consumer, the run's worker thread, the heartbeat scheduler and the status
 * endpoint read and update it concurrently. Progress fields are volatile; the event sequence and
 * the finished flag are guarded by this object's monitor, which {@code TrainingEventPublisher}
 * holds while it numbers and sends an event, so events leave in sequence order.
 */
public final class ActiveRun {

  private final TrainingRequest request;
  private final Instant registeredAt = Instant.now();

  private volatile boolean claimed;
  private volatile boolean cancellationRequested;
  private volatile boolean abandoned;
  private volatile RunStage stage = RunStage.CLAIMING;
  private volatile Integer phase;
  private volatile int epoch;
  private volatile int totalEpochs;
  private volatile EpochMetrics lastEpochMetrics;

  private long lastSequence;
  private boolean finished;

  ActiveRun(TrainingRequest request) {
    this.request = request;
  }

  public TrainingRequest request() {
    return request;
  }

  public String runId() {
    return request.runId();
  }

  public int attempt() {
    return request.attempt();
  }

  public Instant registeredAt() {
    return registeredAt;
  }

  /**
   * Returns whether the ingest service granted this trainer the attempt, after which heartbeats
   * flow.
   */
  public boolean isClaimed() {
    return claimed;
  }

  void markClaimed() {
    claimed = true;
  }

  /** Asks the run to stop at the next batch because the ingest service cancelled it. */
  public void requestCancellation() {
    cancellationRequested = true;
  }

  /**
   * Asks the run to stop at the next batch because this trainer shuts down. No final event is
   * published, so the ingest service re-queues the attempt when its lease runs out.
   */
  void abandon() {
    abandoned = true;
  }

  /**
   * Returns whether training should stop, because the ingest service cancelled it or the trainer
   * shuts down.
   */
  public boolean shouldStop() {
    return cancellationRequested || abandoned;
  }

  /** Returns whether the ingest service requested that this run stop. */
  public boolean isCancellationRequested() {
    return cancellationRequested;
  }

  public boolean isAbandoned() {
    return abandoned;
  }

  public RunStage stage() {
    return stage;
  }

  void enterStage(RunStage next) {
    stage = next;
  }

  /** Current phase (1 or 2), or {@code null} before training starts. */
  public Integer phase() {
    return phase;
  }

  /** Last completed epoch, counted across both phases; 0 before the first one completes. */
  public int epoch() {
    return epoch;
  }

  public int totalEpochs() {
    return totalEpochs;
  }

  void setTotalEpochs(int totalEpochs) {
    this.totalEpochs = totalEpochs;
  }

  void enterPhase(int phase) {
    this.phase = phase;
  }

  /** Figures of the last completed epoch, or {@code null}. */
  public EpochMetrics lastEpochMetrics() {
    return lastEpochMetrics;
  }

  void completeEpoch(EpochMetrics metrics) {
    this.lastEpochMetrics = metrics;
    this.epoch = metrics.epoch();
  }

  /**
   * Returns the sequence number for the next event, or -1 when a final event was already numbered
   * and no further event may follow. Callers hold this object's monitor.
   */
  public long nextSequence(boolean terminal) {
    if (finished) {
      return -1;
    }
    if (terminal) {
      finished = true;
    }
    lastSequence++;
    return lastSequence;
  }
}

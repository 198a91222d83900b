package dev.saguaro.ingest.runs;

import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.ingest.storage.ModelVersion;
import dev.saguaro.ingest.storage.RunEpochMetrics;
import dev.saguaro.ingest.storage.RunState;
import dev.saguaro.ingest.storage.TrainingRun;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/**
 * Applies trainer events to runs, each event once.
 *
 * <p>A run remembers the highest {@code (attempt, sequence)} it has applied; an event at or below
 * it is a redelivery and changes nothing. Events of an attempt other than the run's current one, or
 * from a trainer that does not hold the claim, are ignored. Every applied event renews the run's
 * lease.
 */
@ApplicationScoped
public class TrainingEventHandler {

  /** Outcome of applying one event. */
  public enum Outcome {
    APPLIED,
    DUPLICATE,
    IGNORED
  }

  @Transactional
  public Outcome applyEvent(TrainingEvent event) {
    UUID runId;
    try {
      runId = UUID.fromString(event.runId());
    } catch (IllegalArgumentException | NullPointerException e) {
      Log.warnf(
          "Ignoring %s event for run id '%s': not a run of this service",
          event.type(), event.runId());
      return Outcome.IGNORED;
    }
    TrainingRun run = TrainingRun.findById(runId, LockModeType.PESSIMISTIC_WRITE);
    if (run == null) {
      Log.warnf("Ignoring %s event for unknown run %s", event.type(), runId);
      return Outcome.IGNORED;
    }
    if (event.attempt() != run.attempt) {
      Log.infof(
          "Ignoring %s event of attempt %d of run %s: the current attempt is %d",
          event.type(), event.attempt(), runId, run.attempt);
      return Outcome.IGNORED;
    }
    if (isApplied(run, event)) {
      Log.debugf(
          "Skipping redelivered %s event (attempt %d, sequence %d) of run %s",
          event.type(), event.attempt(), event.sequence(), runId);
      return Outcome.DUPLICATE;
    }
    if (run.trainerId == null || !run.trainerId.equals(event.trainerId())) {
      Log.warnf(
          "Ignoring %s event of run %s from trainer %s: the claim is held by %s",
          event.type(), runId, event.trainerId(), run.trainerId);
      return Outcome.IGNORED;
    }

    Instant now = Instant.now();
    run.lastEventAttempt = event.attempt();
    run.lastEventSequence = event.sequence();
    run.lastEventAt = now;
    run.updatedAt = now;
    if (run.state.isTerminal()) {
      Log.infof("Run %s is already %s; %s event recorded only", runId, run.state, event.type());
      return Outcome.APPLIED;
    }
    applyToRun(run, event, now);
    return Outcome.APPLIED;
  }

  private static boolean isApplied(TrainingRun run, TrainingEvent event) {
    return event.attempt() < run.lastEventAttempt
        || (event.attempt() == run.lastEventAttempt && event.sequence() <= run.lastEventSequence);
  }

  private void applyToRun(TrainingRun run, TrainingEvent event, Instant now) {
    if (event.totalEpochs() != null) {
      run.totalEpochs = event.totalEpochs();
    }
    if (event.phase() != null) {
      run.phase = event.phase();
    }
    switch (event.type()) {
      case STARTED, HEARTBEAT -> Log.debugf("Run %s: %s", run.id, event.type());
      case PHASE_STARTED -> Log.infof("Run %s started phase %s", run.id, event.phase());
      case EPOCH_COMPLETED -> recordEpoch(run, event.metrics(), now);
      case SUCCEEDED -> finishSucceeded(run, event, now);
      case FAILED -> {
        run.state = RunState.FAILED;
        run.failureReason = event.reason() == null ? "the trainer gave no reason" : event.reason();
        run.finishedAt = now;
        Log.infof("Run %s failed on attempt %d: %s", run.id, run.attempt, run.failureReason);
      }
      case CANCELLED -> {
        run.state = RunState.CANCELLED;
        run.finishedAt = now;
        Log.infof("Run %s cancelled by trainer %s", run.id, run.trainerId);
      }
    }
  }

  private static void recordEpoch(TrainingRun run, EpochMetrics metrics, Instant now) {
    if (metrics == null) {
      Log.warnf("EPOCH_COMPLETED event of run %s carries no metrics; ignored", run.id);
      return;
    }
    RunEpochMetrics row = new RunEpochMetrics();
    row.runId = run.id;
    row.attempt = run.attempt;
    row.phase = metrics.phase();
    row.epoch = metrics.epoch();
    row.trainLoss = metrics.trainLoss();
    row.trainAccuracy = metrics.trainAccuracy();
    row.validationLoss = metrics.validationLoss();
    row.validationAccuracy = metrics.validationAccuracy();
    row.validationAuc = metrics.validationAuc();
    row.durationSeconds = metrics.durationSeconds();
    row.imagesPerSecond = metrics.imagesPerSecond();
    row.recordedAt = now;
    row.persist();
    run.epoch = metrics.epoch();
    run.phase = metrics.phase();
    Log.infof(
        "Run %s epoch %d (phase %d): loss %.4f, accuracy %.4f, validation loss %.4f,"
            + " validation accuracy %.4f",
        run.id,
        metrics.epoch(),
        metrics.phase(),
        metrics.trainLoss(),
        metrics.trainAccuracy(),
        metrics.validationLoss(),
        metrics.validationAccuracy());
  }

  private static void finishSucceeded(TrainingRun run, TrainingEvent event, Instant now) {
    run.state = RunState.SUCCEEDED;
    run.finishedAt = now;
    ModelVersion stored = ModelVersion.find("runId", run.id).firstResult();
    if (stored != null) {
      run.modelVersion = stored.version;
    } else if (event.model() != null) {
      run.modelVersion = event.model().version();
      Log.warnf(
          "Run %s succeeded with model version %d, but no artifact of this run was uploaded",
          run.id, event.model().version());
    }
    Log.infof("Run %s succeeded: model %s version %s", run.id, run.modelName, run.modelVersion);
  }
}

package dev.saguaro.trainer.service;

import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.trainer.messaging.TrainingEventPublisher;
import dev.saguaro.trainer.training.TrainingListener;
import io.quarkus.logging.Log;

/**
 * Turns the trainer's progress callbacks into PHASE_STARTED and EPOCH_COMPLETED events, log lines,
 * metrics and the run's status. Called on the run's thread.
 */
final class PublishingTrainingListener implements TrainingListener {

  private final ActiveRun run;
  private final TrainingEventPublisher events;
  private final TrainingRunMetrics metrics;

  PublishingTrainingListener(
      ActiveRun run, TrainingEventPublisher events, TrainingRunMetrics metrics) {
    this.run = run;
    this.events = events;
    this.metrics = metrics;
  }

  @Override
  public void onPhaseStarted(int phase, int firstEpoch, int lastEpoch) {
    run.enterPhase(phase);
    Log.infof(
        "Run %s: phase %d started (epochs %d to %d)", run.runId(), phase, firstEpoch, lastEpoch);
    events.publishPhaseStarted(run, phase);
  }

  @Override
  public void onEpochCompleted(EpochMetrics epoch) {
    run.completeEpoch(epoch);
    metrics.epochCompleted(epoch);
    Log.infof(
        "Run %s: epoch %d/%d (phase %d) train loss %.4f accuracy %.4f, validation loss %.4f"
            + " accuracy %.4f%s, %.1f s, %.0f images/s",
        run.runId(),
        epoch.epoch(),
        run.totalEpochs(),
        epoch.phase(),
        epoch.trainLoss(),
        epoch.trainAccuracy(),
        epoch.validationLoss(),
        epoch.validationAccuracy(),
        epoch.validationAuc() == null ? "" : String.format(" AUC %.4f", epoch.validationAuc()),
        epoch.durationSeconds(),
        epoch.imagesPerSecond());
    events.publishEpochCompleted(run, epoch);
  }

  @Override
  public void onBatchCompleted(int phase, int epoch, int batch, int batchesInEpoch) {
    Log.debugf(
        "Run %s: phase %d epoch %d batch %d/%d", run.runId(), phase, epoch, batch, batchesInEpoch);
  }
}

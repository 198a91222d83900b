package dev.saguaro.trainer.training;

import dev.saguaro.contracts.EpochMetrics;

/**
 * Progress callbacks of a training run, called on the training thread. Epochs are counted across
 * both phases from 1, so phase 2 continues where phase 1 stopped.
 */
public interface TrainingListener {

  /** Called when a phase starts; a phase with no epochs is skipped and not reported. */
  void onPhaseStarted(int phase, int firstEpoch, int lastEpoch);

  /** Called after each epoch's validation pass. */
  void onEpochCompleted(EpochMetrics metrics);

  /** Called after each training step; {@code batch} counts from 1. */
  default void onBatchCompleted(int phase, int epoch, int batch, int batchesInEpoch) {}
}

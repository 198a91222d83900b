package dev.saguaro.trainer.service;

import dev.saguaro.trainer.training.TrainedModel;

/**
 * Sees each trained model before it is exported and closed. The service's own implementation does
 * nothing; tests replace it to compare the model in memory with the stored artifact.
 */
public interface TrainedModelObserver {

  /** Called on the run's thread; {@code model} is closed after the call returns. */
  void onModelTrained(ActiveRun run, TrainedModel model);
}

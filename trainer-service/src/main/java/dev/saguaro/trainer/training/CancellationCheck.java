package dev.saguaro.trainer.training;

/** Asked before every training batch whether the run should stop. Must be cheap and thread-safe. */
@FunctionalInterface
public interface CancellationCheck {

  /** Returns whether the run should stop before its next batch. */
  boolean isCancellationRequested();
}

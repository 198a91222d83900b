package dev.saguaro.trainer.training;

/** Thrown by {@link RecipeTrainer#train} when its {@link CancellationCheck} asked it to stop. */
public class TrainingCancelledException extends Exception {

  public TrainingCancelledException(String message) {
    super(message);
  }
}

package dev.saguaro.trainer.training;

/**
 * Thrown when a dataset cannot be trained on: fewer than two classes, a split with no images, or an
 * image that cannot be decoded. The message names the problem and the fix.
 */
public class InvalidTrainingDataException extends Exception {

  public InvalidTrainingDataException(String message) {
    super(message);
  }

  public InvalidTrainingDataException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.saguaro.trainer.model.keras;

/**
 * Raised when a Keras weights file cannot be read or does not fit the requested network. The
 * message names the file, the layer and weight involved, the expected and found shapes where they
 * differ, and what to do about it.
 */
public class KerasWeightsException extends RuntimeException {

  public KerasWeightsException(String message) {
    super(message);
  }

  public KerasWeightsException(String message, Throwable cause) {
    super(message, cause);
  }
}

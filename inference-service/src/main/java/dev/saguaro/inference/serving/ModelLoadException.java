package dev.saguaro.inference.serving;

/**
 * Thrown when a step of loading a model version fails; the message is the reason shown to users.
 */
public class ModelLoadException extends Exception {

  private final LoadStep step;

  public ModelLoadException(LoadStep step, String message) {
    super(message);
    this.step = step;
  }

  public ModelLoadException(LoadStep step, String message, Throwable cause) {
    super(message, cause);
    this.step = step;
  }

  /** The step that failed. */
  public LoadStep step() {
    return step;
  }
}

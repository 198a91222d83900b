package dev.saguaro.inference.serving;

/** Thrown when a prediction names a model that has no serving version. */
public class ModelUnavailableException extends Exception {

  private final String modelName;
  private final boolean known;

  public ModelUnavailableException(String modelName, boolean known, String message) {
    super(message);
    this.modelName = modelName;
    this.known = known;
  }

  public String modelName() {
    return modelName;
  }

  /**
   * Returns whether the model was announced (or may still be announced because the topic is not
   * read to its end yet); {@code false} means that no such model exists.
   */
  public boolean known() {
    return known;
  }
}

package dev.saguaro.trainer.training;

import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.trainer.export.InferenceModel;
import dev.saguaro.trainer.model.TensorValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trained network in memory, held in a clean inference graph without optimizer state.
 *
 * <p>Owns that graph and its session: the caller closes this model, and {@link #close()} releases
 * the native memory. {@link #predict} may run on several threads at once, but not during {@link
 * #close()}.
 */
public final class TrainedModel implements AutoCloseable {

  private final List<String> classNames;
  private final List<EpochMetrics> history;
  private final InferenceModel inferenceModel;

  TrainedModel(List<String> classNames, List<EpochMetrics> history, InferenceModel inferenceModel) {
    this.classNames = List.copyOf(classNames);
    this.history = List.copyOf(history);
    this.inferenceModel = inferenceModel;
  }

  /** Returns the class names in the order of the probability columns. */
  public List<String> classNames() {
    return classNames;
  }

  /** Returns the side of the square network input, in pixels. */
  public int imageSize() {
    return inferenceModel.architecture().imageSize();
  }

  /** Returns the metrics of every epoch, in order. */
  public List<EpochMetrics> history() {
    return history;
  }

  /**
   * Runs the exported serving path (in-graph decode, resize and scale, then the network) on each
   * encoded JPEG or PNG image.
   *
   * @return one row of class probabilities per image; binary models return {@code [1 - p, p]}
   */
  public float[][] predict(List<byte[]> encodedImages) {
    return inferenceModel.predict(encodedImages);
  }

  /**
   * Writes a SavedModel with the {@code serving_default}, {@code preprocess} and {@code classify}
   * signatures, without optimizer state, plus {@code assets.extra/saguaro-model.json} holding
   * {@code metadata}.
   *
   * @throws java.io.UncheckedIOException when the directory cannot be written
   */
  public void exportSavedModel(Path directory, ModelMetadata metadata) {
    inferenceModel.exportSavedModel(directory, metadata);
  }

  /** Reads the value of every model variable, for tests that compare weights. */
  Map<String, TensorValue> weights() {
    return inferenceModel.readWeights();
  }

  @Override
  public void close() {
    inferenceModel.close();
  }
}

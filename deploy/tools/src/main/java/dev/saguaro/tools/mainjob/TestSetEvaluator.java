package dev.saguaro.tools.mainjob;

import dev.saguaro.tools.mainjob.InferenceApi.Prediction;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Sends held-out images to the inference service in requests of {@link
 * InferenceApi#MAX_IMAGES_PER_REQUEST} and scores the answers against the true labels.
 */
public final class TestSetEvaluator {

  /** Label of the positive class of a binary task, whose probability the ROC AUC ranks. */
  public static final String POSITIVE_LABEL = "1";

  private final InferenceApi inference;
  private final String modelName;

  public TestSetEvaluator(InferenceApi inference, String modelName) {
    this.inference = inference;
    this.modelName = modelName;
  }

  /**
   * Classifies every image and returns accuracy, ROC AUC (when the model has exactly the classes
   * {@code 0} and {@code 1}) and the versions that answered.
   *
   * @throws HttpCallException when a request fails
   */
  public Evaluation evaluate(List<TestImage> images) {
    long started = System.nanoTime();
    int batch = InferenceApi.MAX_IMAGES_PER_REQUEST;
    double[] positiveScores = new double[images.size()];
    boolean[] positive = new boolean[images.size()];
    boolean binary = true;
    int correct = 0;
    SortedMap<Long, Integer> answersByVersion = new TreeMap<>();

    for (int from = 0; from < images.size(); from += batch) {
      List<TestImage> chunk = images.subList(from, Math.min(images.size(), from + batch));
      List<Prediction> predictions = inference.predict(modelName, chunk);
      for (int i = 0; i < chunk.size(); i++) {
        Prediction prediction = predictions.get(i);
        TestImage image = chunk.get(i);
        if (prediction.predictedClass().equals(image.label())) {
          correct++;
        }
        answersByVersion.merge(prediction.modelVersion(), 1, Integer::sum);
        binary &= prediction.probabilities().keySet().equals(java.util.Set.of("0", "1"));
        positiveScores[from + i] = prediction.probabilities().getOrDefault(POSITIVE_LABEL, 0.0);
        positive[from + i] = image.label().equals(POSITIVE_LABEL);
      }
    }

    Double auc = binary && !images.isEmpty() ? RocAuc.compute(positiveScores, positive) : null;
    double accuracy = images.isEmpty() ? 0 : (double) correct / images.size();
    return new Evaluation(
        images.size(),
        correct,
        accuracy,
        auc,
        majorityRate(images),
        answersByVersion,
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** Returns the share of the most frequent label. */
  static double majorityRate(List<TestImage> images) {
    Map<String, Integer> counts = new HashMap<>();
    for (TestImage image : images) {
      counts.merge(image.label(), 1, Integer::sum);
    }
    int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return images.isEmpty() ? 0 : (double) most / images.size();
  }
}

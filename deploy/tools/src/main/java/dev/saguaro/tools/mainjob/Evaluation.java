package dev.saguaro.tools.mainjob;

import java.time.Duration;
import java.util.SortedMap;

/**
 * Outcome of sending held-out images to the inference service.
 *
 * @param images images sent
 * @param correct images whose predicted class equals the true label
 * @param accuracy {@code correct / images}
 * @param rocAuc ROC AUC of the positive class's probability for a binary task, else {@code null}
 * @param majorityRate share of the most frequent true label, the accuracy of always guessing it
 * @param answersByVersion number of images answered by each model version
 * @param elapsed wall time of all requests
 */
public record Evaluation(
    int images,
    int correct,
    double accuracy,
    Double rocAuc,
    double majorityRate,
    SortedMap<Long, Integer> answersByVersion,
    Duration elapsed) {

  /** Returns the images classified per second of wall time. */
  public double imagesPerSecond() {
    return images / Math.max(0.001, elapsed.toNanos() / 1e9);
  }
}

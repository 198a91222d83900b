package dev.saguaro.inference.service;

import java.util.List;

/**
 * The result for one image.
 *
 * @param probabilities one value per class, in the order of {@code classNames}
 * @param preprocessNanos time of the {@code preprocess} call for this image
 * @param queueNanos time the image waited for its batch
 * @param classifyNanos time of the {@code classify} call that included it
 * @param batchSize images in that call
 */
public record ImagePrediction(
    ImageInput input,
    long modelVersion,
    List<String> classNames,
    float[] probabilities,
    long preprocessNanos,
    long queueNanos,
    long classifyNanos,
    int batchSize) {

  /** Index of the most probable class; the first one wins a tie. */
  public int predictedIndex() {
    int best = 0;
    for (int i = 1; i < probabilities.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    return best;
  }
}

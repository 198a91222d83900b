package dev.saguaro.inference.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * Real calls made during warm-up, each checking what came out, so that a model that loads but
 * returns malformed output is rejected before it serves.
 */
final class WarmupChecks {

  /** Largest accepted distance of a probability row's sum from 1. */
  private static final double SUM_TOLERANCE = 1e-3;

  /** Largest accepted difference between {@code serving_default} and preprocess plus classify. */
  private static final double SIGNATURE_TOLERANCE = 1e-4;

  private WarmupChecks() {}

  /** Preprocesses {@code batchSize} warm-up images, classifies them as one batch, checks rows. */
  static void classifyAndCheck(LoadedModel model, int batchSize) {
    List<PreprocessedImage> images = new ArrayList<>(batchSize);
    try {
      for (int i = 0; i < batchSize; i++) {
        images.add(model.preprocess(i % 2 == 0 ? WarmupImages.PNG : WarmupImages.JPEG));
        checkPreprocessedShape(model, images.get(i));
      }
      float[][] rows = model.classify(images);
      for (float[] row : rows) {
        checkProbabilities(row);
      }
    } finally {
      images.forEach(PreprocessedImage::close);
    }
  }

  /**
   * Checks that {@code serving_default} gives what {@code preprocess} and {@code classify} give.
   */
  static void compareWithServingDefault(LoadedModel model) {
    float[] direct = model.classifyWithServingDefault(WarmupImages.PNG);
    float[] chained;
    try (PreprocessedImage image = model.preprocess(WarmupImages.PNG)) {
      chained = model.classify(List.of(image))[0];
    }
    for (int i = 0; i < direct.length; i++) {
      if (Math.abs(direct[i] - chained[i]) > SIGNATURE_TOLERANCE) {
        throw new IllegalStateException(
            "serving_default and preprocess+classify disagree on class "
                + model.classNames().get(i)
                + ": "
                + direct[i]
                + " versus "
                + chained[i]);
      }
    }
  }

  private static void checkPreprocessedShape(LoadedModel model, PreprocessedImage image) {
    long size = model.metadata().imageSize();
    org.tensorflow.ndarray.Shape shape = image.tensor().shape();
    if (!shape.equals(org.tensorflow.ndarray.Shape.of(1, size, size, 3))) {
      throw new IllegalStateException(
          "preprocess returned shape " + shape + ", expected [1, " + size + ", " + size + ", 3]");
    }
  }

  private static void checkProbabilities(float[] row) {
    double sum = 0;
    for (float probability : row) {
      if (!Float.isFinite(probability) || probability < 0 || probability > 1) {
        throw new IllegalStateException(
            "classify returned " + probability + ", which is not a probability");
      }
      sum += probability;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new IllegalStateException("classify returned probabilities that sum to " + sum);
    }
  }
}

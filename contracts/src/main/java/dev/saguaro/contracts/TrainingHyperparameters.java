package dev.saguaro.contracts;

import java.util.ArrayList;
import java.util.List;

/**
 * Settings of one training run. Every field is nullable in a request: {@code null} means "use the
 * reference recipe's value", and {@link #withDefaults()} fills those in.
 *
 * <p>The reference recipe is the 2019 TensorFlow 2.0 transfer-learning tutorial on Kaggle's Aerial
 * Cactus Identification data: MobileNetV2 (alpha 1.0, 96x96, ImageNet weights) with a global max
 * pooling and dense head; 30 epochs of Adam at 1e-4 with the backbone frozen, then 30 epochs of
 * Adam at 1e-5 with Keras layers from 100 on trainable; batches of 32; a 90/10 split with seed 42.
 *
 * @param alpha MobileNetV2 width multiplier; ImageNet weights exist for 0.35, 0.5, 0.75, 1.0, 1.3
 *     and 1.4
 * @param imageSize side of the square network input, in pixels
 * @param batchSize images per training step
 * @param validationFraction share of the snapshot held out for validation, in (0, 1)
 * @param seed seed of the split, the shuffles and any random initialisation
 * @param shuffleBuffer size of the training shuffle buffer, in images
 * @param phase1Epochs epochs with the backbone frozen
 * @param phase1LearningRate Adam learning rate of phase 1
 * @param phase2Epochs fine-tuning epochs; 0 skips phase 2
 * @param phase2LearningRate Adam learning rate of phase 2
 * @param fineTuneAt index of the first trainable Keras layer of the backbone in phase 2
 * @param initialization where the backbone's starting weights come from
 * @param trainWholeNetworkWhenRandom whether phase 1 trains the whole backbone when it starts from
 *     random weights, since a frozen random backbone gives features that mean nothing
 */
public record TrainingHyperparameters(
    Double alpha,
    Integer imageSize,
    Integer batchSize,
    Double validationFraction,
    Long seed,
    Integer shuffleBuffer,
    Integer phase1Epochs,
    Double phase1LearningRate,
    Integer phase2Epochs,
    Double phase2LearningRate,
    Integer fineTuneAt,
    WeightInitialization initialization,
    Boolean trainWholeNetworkWhenRandom) {

  /** Returns the reference recipe, with every field set. */
  public static TrainingHyperparameters recipeDefaults() {
    return new TrainingHyperparameters(
        1.0, 96, 32, 0.1, 42L, 10_000, 30, 1e-4, 30, 1e-5, 100, WeightInitialization.AUTO, true);
  }

  /** Returns an instance with every field {@code null}, to be filled in by overrides. */
  public static TrainingHyperparameters none() {
    return new TrainingHyperparameters(
        null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Returns these settings with each {@code null} field replaced by the recipe's value. */
  public TrainingHyperparameters withDefaults() {
    return overriddenBy(this, recipeDefaults());
  }

  /** Returns {@code base} with every non-null field of this instance written over it. */
  public TrainingHyperparameters applyTo(TrainingHyperparameters base) {
    return overriddenBy(this, base);
  }

  private static TrainingHyperparameters overriddenBy(
      TrainingHyperparameters top, TrainingHyperparameters base) {
    return new TrainingHyperparameters(
        pick(top.alpha, base.alpha),
        pick(top.imageSize, base.imageSize),
        pick(top.batchSize, base.batchSize),
        pick(top.validationFraction, base.validationFraction),
        pick(top.seed, base.seed),
        pick(top.shuffleBuffer, base.shuffleBuffer),
        pick(top.phase1Epochs, base.phase1Epochs),
        pick(top.phase1LearningRate, base.phase1LearningRate),
        pick(top.phase2Epochs, base.phase2Epochs),
        pick(top.phase2LearningRate, base.phase2LearningRate),
        pick(top.fineTuneAt, base.fineTuneAt),
        pick(top.initialization, base.initialization),
        pick(top.trainWholeNetworkWhenRandom, base.trainWholeNetworkWhenRandom));
  }

  private static <T> T pick(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }

  /**
   * Lists what is wrong with the non-null fields, one message per field that names the value and
   * the accepted range. An empty list means the settings are valid.
   */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (alpha != null && !(alpha > 0 && alpha <= 2)) {
      problems.add("alpha " + alpha + " is out of range: use a width multiplier in (0, 2]");
    }
    if (imageSize != null && (imageSize < 32 || imageSize > 512)) {
      problems.add("imageSize " + imageSize + " is out of range: use 32 to 512 pixels");
    }
    if (batchSize != null && (batchSize < 1 || batchSize > 4096)) {
      problems.add("batchSize " + batchSize + " is out of range: use 1 to 4096");
    }
    if (validationFraction != null && !(validationFraction > 0 && validationFraction < 1)) {
      problems.add(
          "validationFraction " + validationFraction + " is out of range: use a value in (0, 1)");
    }
    if (shuffleBuffer != null && shuffleBuffer < 1) {
      problems.add("shuffleBuffer " + shuffleBuffer + " is out of range: use 1 or more");
    }
    if (phase1Epochs != null && (phase1Epochs < 0 || phase1Epochs > 10_000)) {
      problems.add("phase1Epochs " + phase1Epochs + " is out of range: use 0 to 10000");
    }
    if (phase2Epochs != null && (phase2Epochs < 0 || phase2Epochs > 10_000)) {
      problems.add("phase2Epochs " + phase2Epochs + " is out of range: use 0 to 10000");
    }
    if (phase1LearningRate != null && !(phase1LearningRate > 0 && phase1LearningRate < 1)) {
      problems.add(
          "phase1LearningRate " + phase1LearningRate + " is out of range: use a value in (0, 1)");
    }
    if (phase2LearningRate != null && !(phase2LearningRate > 0 && phase2LearningRate < 1)) {
      problems.add(
          "phase2LearningRate " + phase2LearningRate + " is out of range: use a value in (0, 1)");
    }
    if (fineTuneAt != null && fineTuneAt < 0) {
      problems.add("fineTuneAt " + fineTuneAt + " is out of range: use a Keras layer index >= 0");
    }
    return problems;
  }
}

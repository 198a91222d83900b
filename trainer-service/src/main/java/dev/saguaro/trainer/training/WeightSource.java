package dev.saguaro.trainer.training;

import java.nio.file.Path;

/** The origin of the backbone's starting weights. */
public sealed interface WeightSource {

  /** A Keras MobileNetV2 ImageNet weights file without top, for the run's alpha. */
  record ImageNet(Path kerasWeightsFile) implements WeightSource {}

  /** The SavedModel directory of a model version trained earlier, for continued training. */
  record ServedModel(Path savedModelDirectory) implements WeightSource {}

  /** A random initialisation seeded with the run's seed. */
  record Random() implements WeightSource {}
}

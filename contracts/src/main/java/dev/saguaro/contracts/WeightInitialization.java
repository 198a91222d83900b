package dev.saguaro.contracts;

/** Where a training run takes the backbone's starting weights from. */
public enum WeightInitialization {
  /** ImageNet weights when the trainer has a weights file configured, random otherwise. */
  AUTO,
  /** A configured Keras ImageNet weights file; the run fails if none is configured. */
  IMAGENET,
  /** The model version being served, for continued training; the run fails if there is none. */
  SERVED_MODEL,
  /** A seeded random initialisation. */
  RANDOM
}

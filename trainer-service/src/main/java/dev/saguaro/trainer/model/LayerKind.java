package dev.saguaro.trainer.model;

/** The kinds of Keras layer that MobileNetV2 and its classification head are made of. */
public enum LayerKind {
  INPUT,
  CONV,
  DEPTHWISE_CONV,
  BATCH_NORM,
  RELU6,
  ZERO_PAD,
  ADD,
  GLOBAL_MAX_POOL,
  DENSE
}

package dev.saguaro.trainer.model;

/**
 * One model variable.
 *
 * @param name {@code <layerName>.<weightName>}, for example {@code block_1_expand.kernel}
 * @param shape TensorFlow layout of the weight, as Keras stores it
 * @param trainable whether an optimizer may change it when its layer trains; batch-norm moving
 *     statistics are not trainable, they follow the batches instead
 */
public record VariableSpec(String name, long[] shape, boolean trainable) {

  /** Returns the number of elements. */
  public int size() {
    long size = 1;
    for (long dimension : shape) {
      size *= dimension;
    }
    return Math.toIntExact(size);
  }
}

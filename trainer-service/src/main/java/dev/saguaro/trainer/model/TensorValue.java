package dev.saguaro.trainer.model;

import java.util.Arrays;

/**
 * The value of one float variable, held on the Java heap.
 *
 * @param shape dimensions in TensorFlow order
 * @param values elements in row-major order
 */
public record TensorValue(long[] shape, float[] values) {

  public TensorValue {
    long size = 1;
    for (long dimension : shape) {
      size *= dimension;
    }
    if (size != values.length) {
      throw new IllegalArgumentException(
          "Shape " + Arrays.toString(shape) + " needs " + size + " values, got " + values.length);
    }
  }
}

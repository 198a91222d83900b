package dev.saguaro.trainer.model.keras;

import java.util.Arrays;

/**
 * Values of one variable, in row-major (C) order as TensorFlow and HDF5 store them.
 *
 * @param variableName {@code <layerName>.<weightName>}, e.g. {@code block_1_expand.kernel}
 * @param shape TensorFlow shape, e.g. {@code [1, 1, 16, 96]}
 * @param values {@code product(shape)} values; the record shares this array with its creator
 */
public record NamedArray(String variableName, long[] shape, float[] values) {

  public NamedArray {
    long size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    if (values.length != size) {
      throw new IllegalArgumentException(
          variableName
              + " has "
              + values.length
              + " values but its shape "
              + Arrays.toString(shape)
              + " needs "
              + size);
    }
  }

  @Override
  public String toString() {
    return variableName + Arrays.toString(shape);
  }
}

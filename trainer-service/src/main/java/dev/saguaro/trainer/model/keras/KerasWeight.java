package dev.saguaro.trainer.model.keras;

import java.util.Arrays;

/**
 * One weight of a Keras layer with the shape that the layer's configuration implies.
 *
 * @param name Keras weight name without layer prefix or {@code :0} suffix, e.g. {@code kernel},
 *     {@code depthwise_kernel}, {@code gamma}, {@code moving_variance}
 * @param shape TensorFlow layout: Conv2D {@code [kh, kw, in, out]}, depthwise {@code [kh, kw, in,
 *     1]}, batch normalization {@code [channels]}
 */
public record KerasWeight(String name, long[] shape) {

  public KerasWeight {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Returns the number of values, the product of the shape. */
  public long size() {
    return Arrays.stream(shape).reduce(1, Math::multiplyExact);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KerasWeight weight
        && name.equals(weight.name)
        && Arrays.equals(shape, weight.shape);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}

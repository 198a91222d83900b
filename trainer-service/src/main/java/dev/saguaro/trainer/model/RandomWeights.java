package dev.saguaro.trainer.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded starting values: He-uniform kernels, zero biases and betas, unit gammas, and
 * batch-normalization statistics of mean 0 and variance 1. Each variable draws from its own stream
 * derived from the seed and its position, so the values depend only on the seed and the
 * architecture.
 *
 * <p>He scaling (limit {@code sqrt(6 / fanIn)}) rather than Keras's Glorot default keeps the
 * activations near unit scale through the 50-odd convolutions, whose batch normalization starts as
 * the identity in inference mode. With Glorot scaling they shrink layer by layer until the
 * gradients sink below Adam's epsilon, where rounding noise decides the update.
 */
public final class RandomWeights {

  private RandomWeights() {}

  /** Returns a value for every variable of {@code architecture}. */
  public static Map<String, TensorValue> create(MobileNetV2Architecture architecture, long seed) {
    Map<String, TensorValue> values = new LinkedHashMap<>();
    SplittableRandom root = new SplittableRandom(seed);
    for (VariableSpec spec : architecture.variables()) {
      SplittableRandom random = root.split();
      values.put(spec.name(), new TensorValue(spec.shape(), initialValues(spec, random)));
    }
    return values;
  }

  private static float[] initialValues(VariableSpec spec, SplittableRandom random) {
    float[] values = new float[spec.size()];
    String weight = spec.name().substring(spec.name().lastIndexOf('.') + 1);
    switch (weight) {
      case "kernel", "depthwise_kernel" -> {
        double limit = Math.sqrt(6.0 / fanIn(spec.shape(), weight.equals("depthwise_kernel")));
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) random.nextDouble(-limit, limit);
        }
      }
      case "gamma", "moving_variance" -> Arrays.fill(values, 1f);
      default -> Arrays.fill(values, 0f);
    }
    return values;
  }

  /**
   * Returns the inputs that sum into one output: {@code in} for a dense kernel {@code [in, out]},
   * {@code kh * kw * in} for a convolution kernel, and {@code kh * kw} for a depthwise kernel,
   * which filters each channel on its own.
   */
  private static double fanIn(long[] shape, boolean depthwise) {
    if (shape.length == 2) {
      return shape[0];
    }
    long receptiveField = shape[0] * shape[1];
    return depthwise ? receptiveField : receptiveField * shape[2];
  }
}

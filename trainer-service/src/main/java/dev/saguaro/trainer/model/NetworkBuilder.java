package dev.saguaro.trainer.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;

/**
 * Adds MobileNetV2 layers to a graph op by op, reading weights from {@link ModelVariables}.
 *
 * <p>A build covers a range of layer indices, so that one graph can hold a frozen bottom computed
 * once into a cache and a top that trains on the cached activations. Batch-normalization layers
 * from a chosen index on run in training mode: they normalize with batch statistics and add assign
 * ops that move the moving averages with Keras's momentum. The others run in inference mode on the
 * moving statistics. Not thread-safe: use it while building one graph.
 */
public final class NetworkBuilder {

  private final Ops tf;
  private final MobileNetV2Architecture architecture;
  private final ModelVariables variables;

  /** Creates a builder whose ops go into the graph and name scope of {@code tf}. */
  public NetworkBuilder(Ops tf, MobileNetV2Architecture architecture, ModelVariables variables) {
    this.tf = tf;
    this.architecture = architecture;
    this.variables = variables;
  }

  /** The ops of a build: each built layer's output and the moving-average updates it needs. */
  public record BuiltLayers(
      Map<Integer, Operand<TFloat32>> outputs, List<Op> movingAverageUpdates) {

    /** Returns the output of the layer at {@code index}. */
    public Operand<TFloat32> output(int index) {
      Operand<TFloat32> output = outputs.get(index);
      if (output == null) {
        throw new IllegalArgumentException("Layer " + index + " is not part of this build");
      }
      return output;
    }
  }

  /**
   * Adds layers {@code from} (inclusive) to {@code to} (exclusive).
   *
   * @param inputs outputs of earlier layers that layers in the range read, by layer index; the
   *     input layer 0 is the batch of preprocessed images {@code [N, size, size, 3]}
   * @param trainingModeFrom index from which batch normalization runs in training mode; pass a
   *     value past the end for inference mode throughout
   */
  public BuiltLayers build(
      Map<Integer, Operand<TFloat32>> inputs, int from, int to, int trainingModeFrom) {
    Map<Integer, Operand<TFloat32>> outputs = new HashMap<>(inputs);
    List<Op> updates = new ArrayList<>();
    for (Layer layer : architecture.layers().subList(from, to)) {
      List<Operand<TFloat32>> layerInputs = new ArrayList<>();
      for (int input : layer.inputs()) {
        Operand<TFloat32> operand = outputs.get(input);
        if (operand == null) {
          throw new IllegalArgumentException(
              "Layer " + layer.name() + " reads layer " + input + ", which was not given");
        }
        layerInputs.add(operand);
      }
      boolean trainingMode = layer.index() >= trainingModeFrom;
      outputs.put(layer.index(), addLayer(layer, layerInputs, trainingMode, updates));
    }
    return new BuiltLayers(outputs, updates);
  }

  private Operand<TFloat32> addLayer(
      Layer layer, List<Operand<TFloat32>> inputs, boolean trainingMode, List<Op> updates) {
    Ops named = tf.withName(layer.name());
    Operand<TFloat32> x = inputs.isEmpty() ? null : inputs.get(0);
    return switch (layer.kind()) {
      case INPUT ->
          throw new IllegalArgumentException(
              "The input layer is not built: pass the images as the output of layer 0");
      case CONV -> named.nn.conv2d(x, weight(layer, "kernel"), strides(layer.stride()), "SAME");
      case DEPTHWISE_CONV ->
          named.nn.depthwiseConv2dNative(
              x,
              weight(layer, "depthwise_kernel"),
              strides(layer.stride()),
              layer.stride() == 1 ? "SAME" : "VALID");
      case BATCH_NORM -> addBatchNorm(layer, x, trainingMode, updates);
      case RELU6 -> named.nn.relu6(x);
      case ZERO_PAD -> {
        int[] p = layer.padding();
        yield named.pad(
            x,
            tf.constant(new int[][] {{0, 0}, {p[0], p[1]}, {p[2], p[3]}, {0, 0}}),
            tf.constant(0f));
      }
      case ADD -> named.math.add(x, inputs.get(1));
      case GLOBAL_MAX_POOL -> named.max(x, tf.constant(new int[] {1, 2}));
      case DENSE ->
          named.nn.biasAdd(tf.linalg.matMul(x, weight(layer, "kernel")), weight(layer, "bias"));
    };
  }

  private Operand<TFloat32> addBatchNorm(
      Layer layer, Operand<TFloat32> x, boolean trainingMode, List<Op> updates) {
    var movingMean = weight(layer, "moving_mean");
    var movingVariance = weight(layer, "moving_variance");
    FusedBatchNorm<TFloat32, TFloat32> batchNorm =
        tf.withName(layer.name())
            .nn
            .fusedBatchNorm(
                x,
                weight(layer, "gamma"),
                weight(layer, "beta"),
                movingMean,
                movingVariance,
                FusedBatchNorm.epsilon(MobileNetV2Architecture.BATCH_NORM_EPSILON),
                FusedBatchNorm.isTraining(trainingMode));
    if (trainingMode) {
      updates.add(
          addMovingAverageUpdate(
              layer.name() + "-update_moving_mean", movingMean, batchNorm.batchMean()));
      updates.add(
          addMovingAverageUpdate(
              layer.name() + "-update_moving_variance", movingVariance, batchNorm.batchVariance()));
    }
    return batchNorm.y();
  }

  /** Adds {@code moving -= (moving - batch) * (1 - momentum)}, as Keras updates its statistics. */
  private Op addMovingAverageUpdate(
      String name,
      org.tensorflow.op.core.Variable<TFloat32> moving,
      Operand<TFloat32> batchStatistic) {
    Operand<TFloat32> step =
        tf.math.mul(
            tf.math.sub(moving, batchStatistic),
            tf.constant(1f - MobileNetV2Architecture.BATCH_NORM_MOMENTUM));
    return tf.withName(name).assign(moving, tf.math.sub(moving, step));
  }

  private org.tensorflow.op.core.Variable<TFloat32> weight(Layer layer, String weightName) {
    return variables.variable(layer.name() + "." + weightName);
  }

  private static List<Long> strides(int stride) {
    return List.of(1L, (long) stride, (long) stride, 1L);
  }
}

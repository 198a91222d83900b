package dev.saguaro.trainer.model.keras;

import dev.saguaro.trainer.model.keras.KerasLayer.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The layer list of Keras's {@code MobileNetV2(include_top=False)} for one width multiplier, with
 * the names and weight shapes of current {@code tf.keras.applications}.
 *
 * <p>Channel counts follow Keras: {@code _make_divisible(v * alpha, 8)} for the stem and each
 * block's output, six times the input channels for each expansion, and 1280 channels for the final
 * {@code Conv_1} unless alpha is above 1.0. The list has 154 layers for every alpha, with the input
 * layer at index 0. Instances are immutable.
 */
public final class MobileNetV2Layers {

  /** Output channels of the final 1x1 convolution {@code Conv_1} when alpha is at most 1.0. */
  public static final int LAST_BLOCK_CHANNELS = 1280;

  /** Batch normalization weights in the order Keras stores them. */
  private static final List<String> BATCH_NORMALIZATION_WEIGHTS =
      List.of("gamma", "beta", "moving_mean", "moving_variance");

  /** Inverted residual blocks: output filters at alpha 1.0, stride, expansion factor. */
  private static final int[][] BLOCKS = {
    {16, 1, 1},
    {24, 2, 6},
    {24, 1, 6},
    {32, 2, 6},
    {32, 1, 6},
    {32, 1, 6},
    {64, 2, 6},
    {64, 1, 6},
    {64, 1, 6},
    {64, 1, 6},
    {96, 1, 6},
    {96, 1, 6},
    {96, 1, 6},
    {160, 2, 6},
    {160, 1, 6},
    {160, 1, 6},
    {320, 1, 6}
  };

  private final double alpha;
  private final List<KerasLayer> layers = new ArrayList<>();

  private MobileNetV2Layers(double alpha) {
    this.alpha = alpha;
  }

  /**
   * Lists the backbone layers for the width multiplier {@code alpha}.
   *
   * @throws IllegalArgumentException if alpha is not a positive finite number
   */
  public static MobileNetV2Layers forAlpha(double alpha) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException(
          "Invalid MobileNetV2 alpha " + alpha + ": use a positive width multiplier such as 1.0");
    }
    MobileNetV2Layers network = new MobileNetV2Layers(alpha);
    network.addLayers();
    return network;
  }

  /**
   * Rounds a channel count the way Keras's {@code _make_divisible} does: to the nearest multiple of
   * 8, at least 8, and never more than 10 % below {@code value}.
   */
  public static int makeDivisible(double value) {
    int divisor = 8;
    int rounded = Math.max(divisor, (int) (value + divisor / 2.0) / divisor * divisor);
    if (rounded < 0.9 * value) {
      rounded += divisor;
    }
    return rounded;
  }

  /** Returns the width multiplier. */
  public double alpha() {
    return alpha;
  }

  /** Returns all layers in Keras order, the input layer first. */
  public List<KerasLayer> layers() {
    return List.copyOf(layers);
  }

  /** Returns the layers that have weights, in Keras order. */
  public List<KerasLayer> weightedLayers() {
    return layers.stream().filter(layer -> !layer.weights().isEmpty()).toList();
  }

  /** Returns the output channels of {@code Conv_1}, which the pooled features have. */
  public int featureChannels() {
    return alpha > 1.0 ? makeDivisible(LAST_BLOCK_CHANNELS * alpha) : LAST_BLOCK_CHANNELS;
  }

  private void addLayers() {
    int stemChannels = makeDivisible(32 * alpha);
    addLayer("input_1", List.of(), Type.INPUT, List.of());
    addConvolution("Conv1", List.of(), 3, 3, stemChannels);
    addBatchNormalization("bn_Conv1", List.of(), stemChannels);
    addLayer("Conv1_relu", List.of(), Type.RELU6, List.of());

    int channels = stemChannels;
    for (int block = 0; block < BLOCKS.length; block++) {
      channels = addInvertedResidualBlock(block, channels);
    }

    int featureChannels = featureChannels();
    addConvolution("Conv_1", List.of(), 1, channels, featureChannels);
    addBatchNormalization("Conv_1_bn", List.of(), featureChannels);
    addLayer("out_relu", List.of(), Type.RELU6, List.of());
  }

  /**
   * Adds the layers of one block as Keras's {@code _inverted_res_block} does and returns its output
   * channels.
   */
  private int addInvertedResidualBlock(int block, int inputChannels) {
    int stride = BLOCKS[block][1];
    int expansion = BLOCKS[block][2];
    int outputChannels = makeDivisible((int) (BLOCKS[block][0] * alpha));
    String prefix = block == 0 ? "expanded_conv_" : "block_" + block + "_";

    int expandedChannels = inputChannels;
    if (block > 0) {
      expandedChannels = expansion * inputChannels;
      addConvolution(
          prefix + "expand",
          legacyNames(block, "mobl", "expand"),
          1,
          inputChannels,
          expandedChannels);
      addBatchNormalization(
          prefix + "expand_BN", legacyNames(block, "bn", "bn_expand"), expandedChannels);
      addLayer(prefix + "expand_relu", List.of(), Type.RELU6, List.of());
    }

    if (stride == 2) {
      addLayer(prefix + "pad", List.of(), Type.ZERO_PADDING_2D, List.of());
    }
    addLayer(
        prefix + "depthwise",
        legacyNames(block, "mobl", "depthwise"),
        Type.DEPTHWISE_CONV_2D,
        List.of(new KerasWeight("depthwise_kernel", new long[] {3, 3, expandedChannels, 1})));
    addBatchNormalization(
        prefix + "depthwise_BN", legacyNames(block, "bn", "bn_depthwise"), expandedChannels);
    addLayer(prefix + "depthwise_relu", List.of(), Type.RELU6, List.of());

    addConvolution(
        prefix + "project",
        legacyNames(block, "mobl", "project"),
        1,
        expandedChannels,
        outputChannels);
    addBatchNormalization(
        prefix + "project_BN", legacyNames(block, "bn", "bn_project"), outputChannels);
    if (inputChannels == outputChannels && stride == 1) {
      addLayer(prefix + "add", List.of(), Type.ADD, List.of());
    }
    return outputChannels;
  }

  /**
   * Returns the 2018 name of a block layer, e.g. {@code mobl1_conv_1_expand} and {@code
   * bn1_conv_1_bn_expand}. Block 0 kept its name ({@code expanded_conv_...}).
   */
  private static List<String> legacyNames(int block, String prefix, String suffix) {
    if (block == 0) {
      return List.of();
    }
    return List.of(prefix + block + "_conv_" + block + "_" + suffix);
  }

  private void addConvolution(
      String name, List<String> legacyNames, int kernelSize, int inputChannels, int filters) {
    KerasWeight kernel =
        new KerasWeight("kernel", new long[] {kernelSize, kernelSize, inputChannels, filters});
    addLayer(name, legacyNames, Type.CONV_2D, List.of(kernel));
  }

  private void addBatchNormalization(String name, List<String> legacyNames, int channels) {
    List<KerasWeight> weights =
        BATCH_NORMALIZATION_WEIGHTS.stream()
            .map(weight -> new KerasWeight(weight, new long[] {channels}))
            .toList();
    addLayer(name, legacyNames, Type.BATCH_NORMALIZATION, weights);
  }

  private void addLayer(
      String name, List<String> legacyNames, Type type, List<KerasWeight> weights) {
    layers.add(new KerasLayer(layers.size(), name, legacyNames, type, weights));
  }
}

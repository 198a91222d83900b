package dev.saguaro.trainer.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The layer list of Keras's {@code tf.keras.applications.MobileNetV2} without its top, followed by
 * this project's head (global max pooling and one dense layer).
 *
 * <p>Indices count Keras layer objects the way {@code base_model.layers} does: the input layer is
 * 0, and batch normalization, ReLU, padding and add layers each count, so the standard backbone has
 * 154 layers and index 100 is {@code block_11_expand_relu}. The head follows at indices 154 ({@code
 * head_pool}) and 155 ({@code head_dense}). Immutable and thread-safe.
 */
public final class MobileNetV2Architecture {

  /** Name of the global max pooling layer of the head. */
  public static final String HEAD_POOL = "head_pool";

  /** Name of the dense layer of the head; its variables are {@code head_dense.kernel/.bias}. */
  public static final String HEAD_DENSE = "head_dense";

  /** Batch-normalization epsilon of Keras's MobileNetV2. */
  public static final float BATCH_NORM_EPSILON = 1e-3f;

  /**
   * Batch-normalization momentum of Keras's MobileNetV2: the share of the old moving value kept.
   */
  public static final float BATCH_NORM_MOMENTUM = 0.999f;

  /** Expansion factor, output channels, stride and repeat count of each block group. */
  private static final int[][] BLOCK_GROUPS = {
    {6, 24, 2, 2}, {6, 32, 2, 3}, {6, 64, 2, 4}, {6, 96, 1, 3}, {6, 160, 2, 3}, {6, 320, 1, 1}
  };

  private final double alpha;
  private final int imageSize;
  private final int classCount;
  private final List<Layer> layers;
  private final Map<String, Layer> layersByName;

  private MobileNetV2Architecture(double alpha, int imageSize, int classCount, List<Layer> layers) {
    this.alpha = alpha;
    this.imageSize = imageSize;
    this.classCount = classCount;
    this.layers = Collections.unmodifiableList(layers);
    this.layersByName = layers.stream().collect(Collectors.toMap(Layer::name, Function.identity()));
  }

  /**
   * Describes the network for a width multiplier, a square input size in pixels and a class count
   * of at least 2.
   */
  public static MobileNetV2Architecture create(double alpha, int imageSize, int classCount) {
    if (classCount < 2) {
      throw new IllegalArgumentException(
          "classCount " + classCount + " is too small: a classifier needs at least 2 classes");
    }
    LayerListBuilder builder = new LayerListBuilder(imageSize);
    builder.addStem(alpha);
    builder.addBlocks(alpha);
    builder.addTop(alpha);
    builder.addHead(classCount);
    return new MobileNetV2Architecture(alpha, imageSize, classCount, builder.layers);
  }

  public double alpha() {
    return alpha;
  }

  public int imageSize() {
    return imageSize;
  }

  public int classCount() {
    return classCount;
  }

  /** Returns whether the head is one sigmoid unit (two classes) rather than a softmax. */
  public boolean isBinary() {
    return classCount == 2;
  }

  /**
   * Returns the number of output units of the dense head: 1 for two classes, else one per class.
   */
  public int headUnits() {
    return isBinary() ? 1 : classCount;
  }

  /** Returns every layer, backbone then head, in index order. */
  public List<Layer> layers() {
    return layers;
  }

  /** Returns the number of backbone layers, counted as Keras counts them (154 as a rule). */
  public int backboneLayerCount() {
    return layersByName.get(HEAD_POOL).index();
  }

  /** Returns the index of the head's dense layer, the only layer phase 1 trains by default. */
  public int headDenseIndex() {
    return layersByName.get(HEAD_DENSE).index();
  }

  /** Returns the layer with this Keras name. */
  public Layer layer(String name) {
    Layer layer = layersByName.get(name);
    if (layer == null) {
      throw new IllegalArgumentException("No layer named " + name + " in MobileNetV2");
    }
    return layer;
  }

  /** Returns the variables of every layer in layer order. */
  public List<VariableSpec> variables() {
    List<VariableSpec> variables = new ArrayList<>();
    for (Layer layer : layers) {
      variables.addAll(layer.variables());
    }
    return variables;
  }

  /**
   * Returns the indices of the layers before {@code cut} whose outputs layers from {@code cut} on
   * read. Those outputs are all a network cut there needs: for a cut at 100 they are {@code
   * block_11_expand_BN} (read by its ReLU) and {@code block_10_project_BN} (read by {@code
   * block_11_add}).
   */
  public List<Integer> boundaryLayers(int cut) {
    if (cut < 1 || cut >= layers.size()) {
      throw new IllegalArgumentException(
          "cut " + cut + " is out of range: use a layer index from 1 to " + (layers.size() - 1));
    }
    TreeSet<Integer> boundary = new TreeSet<>();
    for (Layer layer : layers.subList(cut, layers.size())) {
      for (int input : layer.inputs()) {
        if (input < cut) {
          boundary.add(input);
        }
      }
    }
    return List.copyOf(boundary);
  }

  /** Appends layers in Keras order while it tracks the shape of the latest output. */
  private static final class LayerListBuilder {

    private final List<Layer> layers = new ArrayList<>();
    private long height;
    private long width;
    private long channels = 3;

    LayerListBuilder(int imageSize) {
      height = imageSize;
      width = imageSize;
      add("input_1", LayerKind.INPUT, List.of(), 1, new int[0], List.of());
    }

    void addStem(double alpha) {
      long filters = makeDivisible(32 * alpha);
      addConv("Conv1", filters, 3, 2);
      addBatchNorm("bn_Conv1");
      addRelu("Conv1_relu");
    }

    void addBlocks(double alpha) {
      addInvertedResidualBlock("expanded_conv_", 1, 16, 1, alpha, false);
      int blockId = 1;
      for (int[] group : BLOCK_GROUPS) {
        for (int repeat = 0; repeat < group[3]; repeat++) {
          int stride = repeat == 0 ? group[2] : 1;
          addInvertedResidualBlock(
              "block_" + blockId + "_", group[0], group[1], stride, alpha, true);
          blockId++;
        }
      }
    }

    void addTop(double alpha) {
      long filters = alpha > 1.0 ? makeDivisible(1280 * alpha) : 1280;
      addConv("Conv_1", filters, 1, 1);
      addBatchNorm("Conv_1_bn");
      addRelu("out_relu");
    }

    void addHead(int classCount) {
      long features = channels;
      add(HEAD_POOL, LayerKind.GLOBAL_MAX_POOL, List.of(last()), 1, new int[0], List.of());
      long units = classCount == 2 ? 1 : classCount;
      channels = units;
      add(
          HEAD_DENSE,
          LayerKind.DENSE,
          List.of(last()),
          1,
          new int[0],
          List.of(
              new VariableSpec(HEAD_DENSE + ".kernel", new long[] {features, units}, true),
              new VariableSpec(HEAD_DENSE + ".bias", new long[] {units}, true)));
    }

    /** Adds one inverted residual block as Keras's {@code _inverted_res_block} lays it out. */
    private void addInvertedResidualBlock(
        String prefix, int expansion, int filters, int stride, double alpha, boolean expand) {
      int blockInput = last();
      long inChannels = channels;
      long pointwiseFilters = makeDivisible((int) (filters * alpha));

      if (expand) {
        addConv(prefix + "expand", expansion * inChannels, 1, 1);
        addBatchNorm(prefix + "expand_BN");
        addRelu(prefix + "expand_relu");
      }
      if (stride == 2) {
        addCorrectPadding(prefix + "pad");
      }
      addDepthwiseConv(prefix + "depthwise", stride);
      addBatchNorm(prefix + "depthwise_BN");
      addRelu(prefix + "depthwise_relu");
      addConv(prefix + "project", pointwiseFilters, 1, 1);
      addBatchNorm(prefix + "project_BN");
      if (inChannels == pointwiseFilters && stride == 1) {
        add(prefix + "add", LayerKind.ADD, List.of(blockInput, last()), 1, new int[0], List.of());
      }
    }

    /** Pads like Keras's {@code correct_pad} for a 3x3 kernel: one less before an even side. */
    private void addCorrectPadding(String name) {
      int top = height % 2 == 0 ? 0 : 1;
      int left = width % 2 == 0 ? 0 : 1;
      height += top + 1;
      width += left + 1;
      add(name, LayerKind.ZERO_PAD, List.of(last()), 1, new int[] {top, 1, left, 1}, List.of());
    }

    private void addConv(String name, long filters, int kernelSize, int stride) {
      long inChannels = channels;
      // Keras pads Conv2D layers "same", so a stride-2 convolution rounds the side up.
      height = (height + stride - 1) / stride;
      width = (width + stride - 1) / stride;
      channels = filters;
      add(
          name,
          LayerKind.CONV,
          List.of(last()),
          stride,
          new int[0],
          List.of(
              new VariableSpec(
                  name + ".kernel",
                  new long[] {kernelSize, kernelSize, inChannels, filters},
                  true)));
    }

    private void addDepthwiseConv(String name, int stride) {
      // Stride-2 depthwise layers follow an explicit padding layer and use "valid" padding.
      if (stride == 2) {
        height = (height - 3) / 2 + 1;
        width = (width - 3) / 2 + 1;
      }
      add(
          name,
          LayerKind.DEPTHWISE_CONV,
          List.of(last()),
          stride,
          new int[0],
          List.of(
              new VariableSpec(name + ".depthwise_kernel", new long[] {3, 3, channels, 1}, true)));
    }

    private void addBatchNorm(String name) {
      long[] shape = {channels};
      add(
          name,
          LayerKind.BATCH_NORM,
          List.of(last()),
          1,
          new int[0],
          List.of(
              new VariableSpec(name + ".gamma", shape, true),
              new VariableSpec(name + ".beta", shape, true),
              new VariableSpec(name + ".moving_mean", shape, false),
              new VariableSpec(name + ".moving_variance", shape, false)));
    }

    private void addRelu(String name) {
      add(name, LayerKind.RELU6, List.of(last()), 1, new int[0], List.of());
    }

    private void add(
        String name,
        LayerKind kind,
        List<Integer> inputs,
        int stride,
        int[] padding,
        List<VariableSpec> variables) {
      long[] outputShape =
          kind == LayerKind.GLOBAL_MAX_POOL || kind == LayerKind.DENSE
              ? new long[] {channels}
              : new long[] {height, width, channels};
      layers.add(
          new Layer(layers.size(), name, kind, inputs, outputShape, stride, padding, variables));
    }

    private int last() {
      return layers.size() - 1;
    }
  }

  /** Rounds channels to a multiple of 8 as Keras's {@code _make_divisible} does. */
  static long makeDivisible(double value) {
    int divisor = 8;
    long rounded = Math.max(divisor, (long) (value + divisor / 2.0) / divisor * divisor);
    if (rounded < 0.9 * value) {
      rounded += divisor;
    }
    return rounded;
  }
}

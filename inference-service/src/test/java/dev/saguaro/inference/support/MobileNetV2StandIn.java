package dev.saguaro.inference.support;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.TrainingHyperparameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * MobileNetV2 (alpha 1.0, 96x96 input, 2 classes) with random weights, exported with the three
 * Saguaro signatures. It has the layer structure, operation types and parameter count of the
 * trained model, so it costs the same to run, but its outputs mean nothing. The benchmark uses it
 * in place of a trained artifact when none is at hand.
 *
 * <p>Differences from the Keras model: "SAME" padding on the stride-2 convolutions instead of
 * explicit zero padding, and batch normalisation with unit statistics. Neither changes the amount
 * of computation.
 */
public final class MobileNetV2StandIn {

  public static final int IMAGE_SIZE = 96;
  public static final List<String> CLASS_NAMES = List.of("0", "1");

  /** Expansion factor, output channels, repeats and first stride of each bottleneck stage. */
  private static final int[][] STAGES = {
    {1, 16, 1, 1},
    {6, 24, 2, 2},
    {6, 32, 3, 2},
    {6, 64, 4, 2},
    {6, 96, 3, 1},
    {6, 160, 3, 2},
    {6, 320, 1, 1}
  };

  private int seed;

  private MobileNetV2StandIn() {}

  /** Returns an artifact zip of the stand-in for {@code modelName} version 1. */
  public static byte[] artifact(String modelName) {
    Path directory = new MobileNetV2StandIn().export();
    try {
      ModelMetadata metadata =
          new ModelMetadata(
              SchemaVersion.CURRENT,
              modelName,
              1,
              CLASS_NAMES,
              IMAGE_SIZE,
              TrainingHyperparameters.recipeDefaults(),
              "stand-in",
              "stand-in",
              null,
              Instant.now());
      return Artifacts.zip(directory, ContractCodec.encode(metadata));
    } finally {
      Artifacts.deleteRecursively(directory);
    }
  }

  private Path export() {
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TString> imageBytes =
          tf.withName("image_bytes").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> preprocessed = TinyModels.preprocess(tf, imageBytes, IMAGE_SIZE);
      Placeholder<TFloat32> images =
          tf.withName("images")
              .placeholder(
                  TFloat32.class, Placeholder.shape(Shape.of(-1, IMAGE_SIZE, IMAGE_SIZE, 3)));

      Network network = buildNetwork(tf);
      Operand<TFloat32> probabilities = network.classify(tf, images);
      Operand<TFloat32> chained = network.classify(tf, preprocessed);
      session.initialize();

      Path directory = Files.createTempDirectory("mobilenet-v2-stand-in-");
      SavedModelBundle.exporter(directory.toString())
          .withTags(ModelSignatures.SERVE_TAG)
          .withSession(session)
          .withSignature(
              Signature.builder()
                  .key(ModelSignatures.SERVING_DEFAULT)
                  .input(ModelSignatures.INPUT_IMAGE_BYTES, imageBytes)
                  .output(ModelSignatures.OUTPUT_PROBABILITIES, chained)
                  .build())
          .withSignature(
              Signature.builder()
                  .key(ModelSignatures.PREPROCESS)
                  .input(ModelSignatures.INPUT_IMAGE_BYTES, imageBytes)
                  .output(ModelSignatures.IMAGES, preprocessed)
                  .build())
          .withSignature(
              Signature.builder()
                  .key(ModelSignatures.CLASSIFY)
                  .input(ModelSignatures.IMAGES, images)
                  .output(ModelSignatures.OUTPUT_PROBABILITIES, probabilities)
                  .build())
          .export();
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The weights of the network, created once and applied to any input. */
  private interface Network {
    Operand<TFloat32> classify(Ops tf, Operand<TFloat32> images);
  }

  private Network buildNetwork(Ops tf) {
    List<Layer> layers = new java.util.ArrayList<>();
    layers.add(conv(tf, 3, 3, 32, 2, true));
    int channels = 32;
    for (int[] stage : STAGES) {
      for (int repeat = 0; repeat < stage[2]; repeat++) {
        int stride = repeat == 0 ? stage[3] : 1;
        layers.add(bottleneck(tf, channels, stage[0], stage[1], stride));
        channels = stage[1];
      }
    }
    layers.add(conv(tf, 1, channels, 1280, 1, true));
    Operand<TFloat32> dense = weights(tf, Shape.of(1280, 1), 1280);
    Operand<TFloat32> bias = tf.constant(new float[] {0f});
    return (ops, images) -> {
      Operand<TFloat32> x = images;
      for (Layer layer : layers) {
        x = layer.apply(ops, x);
      }
      Operand<TFloat32> pooled = ops.max(x, ops.constant(new int[] {1, 2}));
      Operand<TFloat32> positive =
          ops.math.sigmoid(ops.nn.biasAdd(ops.linalg.matMul(pooled, dense), bias));
      Operand<TFloat32> negative = ops.math.sub(ops.constant(1f), positive);
      return ops.concat(List.of(negative, positive), ops.constant(1));
    };
  }

  private interface Layer {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> input);
  }

  private Layer bottleneck(Ops tf, int in, int expansion, int out, int stride) {
    int hidden = in * expansion;
    Layer expand = expansion == 1 ? null : conv(tf, 1, in, hidden, 1, true);
    Operand<TFloat32> depthwise = weights(tf, Shape.of(3, 3, hidden, 1), 9);
    BatchNorm depthwiseNorm = batchNorm(tf, hidden);
    Layer project = conv(tf, 1, hidden, out, 1, false);
    boolean residual = stride == 1 && in == out;
    return (ops, input) -> {
      Operand<TFloat32> x = expand == null ? input : expand.apply(ops, input);
      x =
          ops.nn.relu6(
              depthwiseNorm.apply(
                  ops,
                  ops.nn.depthwiseConv2dNative(
                      x, depthwise, List.of(1L, (long) stride, (long) stride, 1L), "SAME")));
      x = project.apply(ops, x);
      return residual ? ops.math.add(input, x) : x;
    };
  }

  private Layer conv(Ops tf, int kernel, int in, int out, int stride, boolean relu6) {
    Operand<TFloat32> filter = weights(tf, Shape.of(kernel, kernel, in, out), kernel * kernel * in);
    BatchNorm norm = batchNorm(tf, out);
    return (ops, input) -> {
      Operand<TFloat32> y =
          norm.apply(
              ops,
              ops.nn.conv2d(input, filter, List.of(1L, (long) stride, (long) stride, 1L), "SAME"));
      return relu6 ? ops.nn.relu6(y) : y;
    };
  }

  private interface BatchNorm {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> input);
  }

  private BatchNorm batchNorm(Ops tf, int channels) {
    float[] ones = new float[channels];
    java.util.Arrays.fill(ones, 1f);
    Operand<TFloat32> scale = tf.variable(tf.constant(ones));
    Operand<TFloat32> offset = tf.variable(tf.constant(new float[channels]));
    Operand<TFloat32> mean = tf.variable(tf.constant(new float[channels]));
    Operand<TFloat32> variance = tf.variable(tf.constant(ones));
    return (ops, input) ->
        ops.nn
            .fusedBatchNorm(
                input,
                scale,
                offset,
                mean,
                variance,
                FusedBatchNorm.epsilon(1e-3f),
                FusedBatchNorm.isTraining(false))
            .y();
  }

  /** He-scaled random weights, as a variable. */
  private Operand<TFloat32> weights(Ops tf, Shape shape, long fanIn) {
    Operand<TFloat32> normal =
        tf.random.randomStandardNormal(
            tf.constant(shape.asArray()), TFloat32.class, RandomStandardNormal.seed((long) ++seed));
    return tf.variable(tf.math.mul(normal, tf.constant((float) Math.sqrt(2.0 / fanIn))));
  }
}

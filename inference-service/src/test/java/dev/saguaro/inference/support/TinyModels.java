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
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Builds tiny SavedModels that honour the model contract: in-graph decode, resize and scaling in
 * {@code preprocess}, a 3x3 convolution, global mean pooling and a dense layer in {@code classify},
 * and {@code serving_default} chaining both.
 *
 * <p>The three classes get logits {@code [0, ln(version), w . features]}, so the ratio of the first
 * two probabilities equals the version that computed it, whatever the image: {@link
 * #versionFromProbabilities} reads it back, which lets a test check that the version an answer
 * names is the version that computed it.
 */
public final class TinyModels {

  public static final List<String> CLASS_NAMES = List.of("alpha", "beta", "gamma");
  public static final int IMAGE_SIZE = 16;

  private TinyModels() {}

  /** Returns the version encoded in a probability row of a tiny model. */
  public static long versionFromProbabilities(double first, double second) {
    return Math.round(second / first);
  }

  /** Writes an artifact zip for {@code modelName} version {@code version} and returns its bytes. */
  public static byte[] artifact(String modelName, long version) {
    Path directory = exportSavedModel(version, true);
    try {
      return Artifacts.zip(directory, ContractCodec.encode(metadata(modelName, version)));
    } finally {
      Artifacts.deleteRecursively(directory);
    }
  }

  /** Writes an artifact whose SavedModel lacks the {@code classify} signature. */
  public static byte[] artifactWithoutClassify(String modelName, long version) {
    Path directory = exportSavedModel(version, false);
    try {
      return Artifacts.zip(directory, ContractCodec.encode(metadata(modelName, version)));
    } finally {
      Artifacts.deleteRecursively(directory);
    }
  }

  /** Returns the metadata a trainer would write for this tiny model. */
  public static ModelMetadata metadata(String modelName, long version) {
    return new ModelMetadata(
        SchemaVersion.CURRENT,
        modelName,
        version,
        CLASS_NAMES,
        IMAGE_SIZE,
        TrainingHyperparameters.recipeDefaults(),
        "run-" + version,
        "snapshot-" + version,
        null,
        Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Exports the SavedModel directory of one version; the caller deletes it. */
  public static Path exportSavedModel(long version, boolean withClassify) {
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Random random = new Random(version);

      Placeholder<TString> imageBytes =
          tf.withName("image_bytes").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> preprocessed = preprocess(tf, imageBytes);

      Variable<TFloat32> kernel =
          tf.variable(tf.constant(Shape.of(3, 3, 3, 4), randomArray(random, 3 * 3 * 3 * 4, 0.5f)));
      Variable<TFloat32> dense =
          tf.variable(tf.constant(Shape.of(4, 1), randomArray(random, 4, 0.5f)));
      Placeholder<TFloat32> images =
          tf.withName("images")
              .placeholder(
                  TFloat32.class, Placeholder.shape(Shape.of(-1, IMAGE_SIZE, IMAGE_SIZE, 3)));
      Operand<TFloat32> probabilities = classify(tf, images, kernel, dense, version);
      Operand<TFloat32> chained = classify(tf, preprocessed, kernel, dense, version);
      session.initialize();

      Path directory = Files.createTempDirectory("tiny-model-v" + version + "-");
      SavedModelBundle.Exporter exporter =
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
                      .build());
      if (withClassify) {
        exporter.withSignature(
            Signature.builder()
                .key(ModelSignatures.CLASSIFY)
                .input(ModelSignatures.IMAGES, images)
                .output(ModelSignatures.OUTPUT_PROBABILITIES, probabilities)
                .build());
      }
      exporter.export();
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decode JPEG or PNG to RGB, resize bilinearly with half-pixel centers, scale to [-1, 1]. */
  static Operand<TFloat32> preprocess(Ops tf, Operand<TString> imageBytes) {
    return preprocess(tf, imageBytes, IMAGE_SIZE);
  }

  /** Decode, resize to {@code size} x {@code size} and scale, as every Saguaro model does. */
  static Operand<TFloat32> preprocess(Ops tf, Operand<TString> imageBytes, int size) {
    Operand<TFloat32> decoded =
        tf.dtypes.cast(
            tf.image.decodeImage(
                imageBytes,
                new DecodeImage.Options[] {
                  DecodeImage.channels(3L), DecodeImage.expandAnimations(false)
                }),
            TFloat32.class);
    Operand<TFloat32> resized =
        tf.image.resizeBilinear(
            tf.expandDims(decoded, tf.constant(0)),
            tf.constant(new int[] {size, size}),
            ResizeBilinear.halfPixelCenters(true));
    return tf.math.sub(tf.math.div(resized, tf.constant(127.5f)), tf.constant(1f));
  }

  private static Operand<TFloat32> classify(
      Ops tf,
      Operand<TFloat32> images,
      Operand<TFloat32> kernel,
      Operand<TFloat32> dense,
      long version) {
    Operand<TFloat32> features =
        tf.math.mean(
            tf.nn.relu(tf.nn.conv2d(images, kernel, List.of(1L, 1L, 1L, 1L), "SAME")),
            tf.constant(new int[] {1, 2}));
    Operand<TFloat32> imageLogit = tf.linalg.matMul(features, dense);
    Operand<TFloat32> zero = tf.math.mul(imageLogit, tf.constant(0f));
    Operand<TFloat32> versionLogit = tf.math.add(zero, tf.constant((float) Math.log(version)));
    Operand<TFloat32> logits = tf.concat(List.of(zero, versionLogit, imageLogit), tf.constant(1));
    return tf.nn.softmax(logits);
  }

  private static org.tensorflow.ndarray.buffer.FloatDataBuffer randomArray(
      Random random, int count, float scale) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextGaussian() * scale;
    }
    return org.tensorflow.ndarray.buffer.DataBuffers.of(values);
  }
}

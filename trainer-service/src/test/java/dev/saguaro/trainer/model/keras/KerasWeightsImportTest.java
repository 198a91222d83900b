package dev.saguaro.trainer.model.keras;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saguaro.trainer.model.MobileNetV2Architecture;
import dev.saguaro.trainer.model.ModelVariables;
import dev.saguaro.trainer.model.NetworkBuilder;
import dev.saguaro.trainer.model.TensorValue;
import dev.saguaro.trainer.model.keras.KerasWeightsFixture.Naming;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Imports a generated Keras-layout weights file into the TensorFlow MobileNetV2 and checks its
 * pooled backbone features against the plain-Java reference forward pass. The reference runs on the
 * generator's own arrays, so a wrong mapping, layout or padding in the import or in the graph shows
 * as a difference.
 */
class KerasWeightsImportTest {

  private static final Logger LOG = Logger.getLogger(KerasWeightsImportTest.class);

  private static final double ALPHA = 0.35;
  private static final int IMAGE_COUNT = 3;
  private static final double TOLERANCE = 1e-4;

  @TempDir Path directory;

  @ParameterizedTest(name = "{0}x{0} images, {1} names")
  @CsvSource({"48, KERAS_2018", "35, KERAS_2018", "32, CURRENT"})
  void importedNetworkMatchesReference(int imageSize, Naming naming) {
    Map<String, NamedArray> generated = KerasWeightsFixture.generateCalibratedWeights(ALPHA, 11);
    Path file = directory.resolve(KerasWeightsFile.standardFileName(ALPHA, imageSize));
    KerasWeightsFixture.write(file, ALPHA, generated, naming);
    float[][][][] images = generateImages(imageSize, 5);

    Map<String, NamedArray> imported = KerasWeightsFile.readMobileNetV2(file, ALPHA);
    float[][] features = computeFeaturesInTensorFlow(imported, images);
    double[][] reference = new MobileNetV2Reference(generated).computeFeatures(toDouble(images));

    double maxDifference = computeMaxDifference(features, reference);
    long total = Arrays.stream(reference).mapToLong(row -> row.length).sum();
    long unsaturated =
        Arrays.stream(reference)
            .flatMapToDouble(Arrays::stream)
            .filter(value -> value > 0 && value < 6)
            .count();
    LOG.infof(
        "Imported MobileNetV2 alpha %s at %dx%d: max abs difference %.3g over %d features, %d of"
            + " them strictly between 0 and 6",
        ALPHA, imageSize, imageSize, maxDifference, total, unsaturated);

    assertThat(maxDifference).isLessThanOrEqualTo(TOLERANCE);
    // Features clipped to 0 or 6 agree whatever the weights, so many must lie in between.
    assertThat(unsaturated).isGreaterThan(total / 3);
  }

  @Test
  void swappedWeightsBreakTheMatch() {
    int imageSize = 48;
    Map<String, NamedArray> generated = KerasWeightsFixture.generateCalibratedWeights(ALPHA, 11);
    Path file = directory.resolve(KerasWeightsFile.standardFileName(ALPHA, imageSize));
    KerasWeightsFixture.write(file, ALPHA, generated, Naming.KERAS_2018);
    float[][][][] images = generateImages(imageSize, 5);

    // A mapping that confused gamma and beta of one layer must not pass unnoticed.
    Map<String, NamedArray> imported =
        new LinkedHashMap<>(KerasWeightsFile.readMobileNetV2(file, ALPHA));
    NamedArray gamma = imported.get("block_5_project_BN.gamma");
    NamedArray beta = imported.get("block_5_project_BN.beta");
    imported.put(
        gamma.variableName(), new NamedArray(gamma.variableName(), gamma.shape(), beta.values()));
    imported.put(
        beta.variableName(), new NamedArray(beta.variableName(), beta.shape(), gamma.values()));
    float[][] features = computeFeaturesInTensorFlow(imported, images);
    double[][] reference = new MobileNetV2Reference(generated).computeFeatures(toDouble(images));

    assertThat(computeMaxDifference(features, reference)).isGreaterThan(100 * TOLERANCE);
  }

  private static double computeMaxDifference(float[][] features, double[][] reference) {
    assertThat(features).hasSameDimensionsAs(reference);
    double maxDifference = 0;
    for (int n = 0; n < reference.length; n++) {
      for (int c = 0; c < reference[n].length; c++) {
        maxDifference = Math.max(maxDifference, Math.abs(features[n][c] - reference[n][c]));
      }
    }
    return maxDifference;
  }

  /** Builds the backbone up to global max pooling, assigns the imported weights and runs it. */
  private static float[][] computeFeaturesInTensorFlow(
      Map<String, NamedArray> imported, float[][][][] images) {
    int imageSize = images[0].length;
    MobileNetV2Architecture architecture = MobileNetV2Architecture.create(ALPHA, imageSize, 2);
    int poolIndex = architecture.layer(MobileNetV2Architecture.HEAD_POOL).index();

    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      ModelVariables variables = new ModelVariables(tf, architecture);
      Placeholder<TFloat32> input =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, imageSize, imageSize, 3)));
      NetworkBuilder builder = new NetworkBuilder(tf, architecture, variables);
      Operand<TFloat32> pooled =
          builder.build(Map.of(0, input), 1, poolIndex + 1, Integer.MAX_VALUE).output(poolIndex);

      Map<String, TensorValue> values = new LinkedHashMap<>();
      imported.forEach(
          (name, array) -> values.put(name, new TensorValue(array.shape(), array.values())));
      variables.assign(session, values);

      float[] flatImages = flatten(images);
      try (TFloat32 batch =
              TFloat32.tensorOf(
                  Shape.of(images.length, imageSize, imageSize, 3), DataBuffers.of(flatImages));
          Result result = session.runner().feed(input, batch).fetch(pooled).run()) {
        TFloat32 output = (TFloat32) result.get(0);
        int channels = (int) output.shape().size(1);
        float[] flat = new float[images.length * channels];
        output.copyTo(DataBuffers.of(flat, false, false));
        float[][] features = new float[images.length][channels];
        for (int n = 0; n < images.length; n++) {
          System.arraycopy(flat, n * channels, features[n], 0, channels);
        }
        return features;
      }
    }
  }

  /** Generates images {@code [n][height][width][3]} with values uniform in [-1, 1]. */
  private static float[][][][] generateImages(int imageSize, long seed) {
    Random random = new Random(seed);
    float[][][][] images = new float[IMAGE_COUNT][imageSize][imageSize][3];
    for (float[][][] image : images) {
      for (float[][] row : image) {
        for (float[] pixel : row) {
          for (int c = 0; c < 3; c++) {
            pixel[c] = (float) (2 * random.nextDouble() - 1);
          }
        }
      }
    }
    return images;
  }

  private static float[] flatten(float[][][][] images) {
    int size = images[0].length;
    float[] flat = new float[images.length * size * size * 3];
    int offset = 0;
    for (float[][][] image : images) {
      for (float[][] row : image) {
        for (float[] pixel : row) {
          System.arraycopy(pixel, 0, flat, offset, 3);
          offset += 3;
        }
      }
    }
    return flat;
  }

  private static List<double[][][]> toDouble(float[][][][] images) {
    List<double[][][]> converted = new ArrayList<>();
    for (float[][][] image : images) {
      double[][][] copy = new double[image.length][image[0].length][3];
      for (int row = 0; row < image.length; row++) {
        for (int column = 0; column < image[0].length; column++) {
          for (int c = 0; c < 3; c++) {
            copy[row][column][c] = image[row][column][c];
          }
        }
      }
      converted.add(copy);
    }
    return converted;
  }
}

package dev.saguaro.trainer.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes small Keras-layout MobileNetV2 weight files with seeded random values, as {@code
 * Model.save_weights} lays them out: root attribute {@code layer_names}, one group per layer with
 * attribute {@code weight_names}, datasets at {@code <layer>/<layer>/<weight>:0}.
 *
 * <p>NOTE: jhdf 0.9.4 writes a group without children as a broken object header that neither jhdf
 * nor h5py can read back, so these files list only the layers that have weights. Keras files also
 * list the layers without weights, each with an empty group.
 */
final class KerasWeightsFixture {

  /** jHDF's logger, kept at WARN because it logs every group and dataset at INFO. */
  private static final java.util.logging.Logger JHDF_LOG =
      java.util.logging.Logger.getLogger("io.jhdf");

  static {
    JHDF_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  /** Layer names to write. */
  enum Naming {
    /**
     * Names of the published 2018 files: {@code mobl1_conv_1_expand}, {@code bn1_conv_1_bn_expand}.
     */
    KERAS_2018,
    /** Names of current Keras: {@code block_1_expand}, {@code block_1_expand_BN}. */
    CURRENT
  }

  private static final int CALIBRATION_IMAGES = 4;
  private static final int CALIBRATION_IMAGE_SIZE = 48;

  private KerasWeightsFixture() {}

  /**
   * Generates values for every backbone weight of MobileNetV2 at {@code alpha}, keyed by variable
   * name in Keras order. Kernels are He-normal; batch normalization has gamma in [0.5, 1.5), beta
   * in [-0.25, 0.25), moving mean in [-0.1, 0.1) and moving variance in [0.5, 1.5). A forward pass
   * needs {@link #generateCalibratedWeights} instead, because with these statistics the activations
   * grow through the 17 blocks.
   */
  static Map<String, NamedArray> generateWeights(double alpha, long seed) {
    Random random = new Random(seed);
    Map<String, NamedArray> weights = new LinkedHashMap<>();
    for (KerasLayer layer : MobileNetV2Layers.forAlpha(alpha).weightedLayers()) {
      for (KerasWeight weight : layer.weights()) {
        float[] values = new float[Math.toIntExact(weight.size())];
        fillValues(values, weight, random);
        String variableName = layer.variableName(weight);
        weights.put(variableName, new NamedArray(variableName, weight.shape(), values));
      }
    }
    return weights;
  }

  /**
   * Generates weights as {@link #generateWeights} does, then replaces the batch-normalization
   * moving statistics with statistics of the reference forward pass on seeded random images (see
   * {@link MobileNetV2Reference#calibrateBatchNormalization}).
   */
  static Map<String, NamedArray> generateCalibratedWeights(double alpha, long seed) {
    Random random = new Random(seed);
    List<double[][][]> images = new ArrayList<>();
    for (int n = 0; n < CALIBRATION_IMAGES; n++) {
      double[][][] image = new double[CALIBRATION_IMAGE_SIZE][CALIBRATION_IMAGE_SIZE][3];
      for (double[][] row : image) {
        for (double[] pixel : row) {
          for (int c = 0; c < 3; c++) {
            pixel[c] = 2 * random.nextDouble() - 1;
          }
        }
      }
      images.add(image);
    }
    return MobileNetV2Reference.calibrateBatchNormalization(generateWeights(alpha, seed), images);
  }

  /** Writes {@code weights} of MobileNetV2 at {@code alpha} as a complete no-top file. */
  static void write(Path file, double alpha, Map<String, NamedArray> weights, Naming naming) {
    write(file, alpha, weights, naming, Set.of(), false);
  }

  /**
   * Writes a weights file, leaving out the layers named in {@code omittedLayers} (current names)
   * and appending the ImageNet classifier layer {@code Logits} when {@code withTop} is set.
   */
  static void write(
      Path file,
      double alpha,
      Map<String, NamedArray> weights,
      Naming naming,
      Set<String> omittedLayers,
      boolean withTop) {
    MobileNetV2Layers network = MobileNetV2Layers.forAlpha(alpha);
    List<String> layerNames = new ArrayList<>();
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      for (KerasLayer layer : network.weightedLayers()) {
        if (omittedLayers.contains(layer.name())) {
          continue;
        }
        String fileName = fileLayerName(layer, naming);
        layerNames.add(fileName);
        List<String> weightNames = new ArrayList<>();
        WritableGroup layerGroup = hdf.putGroup(fileName);
        WritableGroup weightsGroup = layerGroup.putGroup(fileName);
        for (KerasWeight weight : layer.weights()) {
          NamedArray array = weights.get(layer.variableName(weight));
          weightsGroup.putDataset(weight.name() + ":0", toNestedArray(array));
          weightNames.add(fileName + "/" + weight.name() + ":0");
        }
        layerGroup.putAttribute("weight_names", weightNames.toArray(String[]::new));
      }
      if (withTop) {
        layerNames.add("Logits");
        writeClassifier(hdf, network.featureChannels());
      }
      hdf.putAttribute("layer_names", layerNames.toArray(String[]::new));
      hdf.putAttribute("backend", "tensorflow");
      hdf.putAttribute("keras_version", naming == Naming.KERAS_2018 ? "2.1.6" : "2.15.0");
    }
  }

  /** Returns the name under which {@code layer} appears in a file of this naming. */
  static String fileLayerName(KerasLayer layer, Naming naming) {
    if (naming == Naming.KERAS_2018 && !layer.legacyNames().isEmpty()) {
      return layer.legacyNames().get(0);
    }
    return layer.name();
  }

  /** Writes a 1000-class Dense layer like the one of the published files with top. */
  private static void writeClassifier(WritableHdfFile hdf, int featureChannels) {
    int classes = 1000;
    WritableGroup layerGroup = hdf.putGroup("Logits");
    WritableGroup weightsGroup = layerGroup.putGroup("Logits");
    weightsGroup.putDataset("kernel:0", new float[featureChannels][classes]);
    weightsGroup.putDataset("bias:0", new float[classes]);
    layerGroup.putAttribute("weight_names", new String[] {"Logits/kernel:0", "Logits/bias:0"});
  }

  private static void fillValues(float[] values, KerasWeight weight, Random random) {
    long[] shape = weight.shape();
    switch (weight.name()) {
      case "kernel" -> fillHeNormal(values, shape[0] * shape[1] * shape[2], random);
      case "depthwise_kernel" -> fillHeNormal(values, shape[0] * shape[1], random);
      case "gamma", "moving_variance" -> fillUniform(values, 0.5, 1.5, random);
      case "beta" -> fillUniform(values, -0.25, 0.25, random);
      case "moving_mean" -> fillUniform(values, -0.1, 0.1, random);
      default -> throw new IllegalArgumentException("Unexpected weight " + weight);
    }
  }

  private static void fillHeNormal(float[] values, long fanIn, Random random) {
    double deviation = Math.sqrt(2.0 / fanIn);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * deviation);
    }
  }

  private static void fillUniform(float[] values, double low, double high, Random random) {
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (low + (high - low) * random.nextDouble());
    }
  }

  /** Converts row-major values to the nested Java array that jhdf writes as a dataset. */
  private static Object toNestedArray(NamedArray array) {
    long[] shape = array.shape();
    float[] values = array.values();
    if (shape.length == 1) {
      return values.clone();
    }
    int d0 = (int) shape[0];
    int d1 = (int) shape[1];
    int d2 = (int) shape[2];
    int d3 = (int) shape[3];
    float[][][][] nested = new float[d0][d1][d2][d3];
    int offset = 0;
    for (int a = 0; a < d0; a++) {
      for (int b = 0; b < d1; b++) {
        for (int c = 0; c < d2; c++) {
          System.arraycopy(values, offset, nested[a][b][c], 0, d3);
          offset += d3;
        }
      }
    }
    return nested;
  }
}

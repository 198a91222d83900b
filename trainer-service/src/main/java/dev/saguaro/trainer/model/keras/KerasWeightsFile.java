package dev.saguaro.trainer.model.keras;

import dev.saguaro.trainer.model.keras.KerasHdf5Layers.StoredLayer;
import dev.saguaro.trainer.model.keras.KerasHdf5Layers.StoredWeight;
import io.jhdf.HdfFile;
import io.jhdf.exceptions.HdfException;
import java.nio.BufferUnderflowException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Imports Keras MobileNetV2 ImageNet weight files ({@code
 * mobilenet_v2_weights_tf_dim_ordering_tf_kernels_<alpha>_<size>_no_top.h5}) into the variable
 * names of the trainer's backbone.
 *
 * <p>Keras loads such a file by layer order, not by name, and the published files use the 2018
 * layer names ({@code mobl1_conv_1_expand}, {@code bn1_conv_1_bn_expand}, ...) where current Keras
 * uses {@code block_1_expand}, {@code block_1_expand_BN}. This class therefore maps the file's
 * layers that have weights, in file order, onto the layers of {@link MobileNetV2Layers} that have
 * weights, and checks every weight's shape against what alpha implies. Names only serve to explain
 * a mismatch. The weights do not depend on the input size, so one file fits every image size.
 *
 * <p>Thread-safe: every call opens and closes its own file.
 */
public final class KerasWeightsFile {

  private static final Logger LOG = Logger.getLogger(KerasWeightsFile.class);

  private KerasWeightsFile() {}

  /**
   * Returns the file name under which Keras publishes the no-top weights, e.g. {@code
   * mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5}. Keras documents ImageNet
   * weights for alpha 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4 and input sizes 96 to 224, but this method
   * formats any values.
   */
  public static String standardFileName(double alpha, int imageSize) {
    return "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_"
        + formatAlpha(alpha)
        + "_"
        + imageSize
        + "_no_top.h5";
  }

  /**
   * Reads every backbone weight of a Keras MobileNetV2 weights file without top.
   *
   * @param h5 the weights file
   * @param alpha the width multiplier of the network to fill
   * @return values by variable name ({@code <layerName>.<weightName>} with current Keras layer
   *     names, e.g. {@code block_1_expand_BN.moving_mean}) in Keras layer order
   * @throws KerasWeightsException if the file is missing, unreadable, contains a classifier top, or
   *     any layer or shape differs from MobileNetV2 at this alpha. The message names the layer, the
   *     weight, the expected and found shapes, and the fix.
   */
  public static Map<String, NamedArray> readMobileNetV2(Path h5, double alpha) {
    if (!Files.isRegularFile(h5)) {
      throw new KerasWeightsException(
          "Keras weights file "
              + h5
              + " not found: check the configured path. Keras names the file for alpha "
              + formatAlpha(alpha)
              + " and input size 224 "
              + standardFileName(alpha, 224));
    }
    MobileNetV2Layers network = forAlpha(alpha);

    try (HdfFile hdf = new HdfFile(h5)) {
      List<String> layerNames = KerasHdf5Layers.readLayerNames(hdf, h5);
      List<StoredLayer> stored = KerasHdf5Layers.readWeightedLayers(hdf, h5, layerNames);
      new WeightsLayoutCheck(h5, network, layerNames, stored).checkLayout();
      warnAboutUnknownNames(h5, network, stored);

      Map<String, NamedArray> arrays = readArrays(h5, network, stored);
      long parameters = arrays.values().stream().mapToLong(array -> array.values().length).sum();
      LOG.infof(
          "Read Keras MobileNetV2 weights from %s for alpha %s: %d layers (%d with weights, %s"
              + " names), %d arrays, %d parameters",
          h5,
          formatAlpha(alpha),
          layerNames.size(),
          stored.size(),
          describeNaming(network, stored),
          arrays.size(),
          parameters);
      return arrays;
    } catch (HdfException | BufferUnderflowException | IndexOutOfBoundsException e) {
      // jhdf reports damaged structures with HdfException, truncated buffers with the others.
      throw new KerasWeightsException(
          "Failed to read Keras weights file "
              + h5
              + " as HDF5 ("
              + e.getMessage()
              + "): the file is damaged, truncated or not an HDF5 file. Replace it with a complete"
              + " copy of "
              + standardFileName(alpha, 224)
              + " or of the file for your input size",
          e);
    }
  }

  /** Formats alpha as Keras does in its file names: {@code 1.0}, {@code 0.35}. */
  static String formatAlpha(double alpha) {
    return Double.toString(alpha);
  }

  private static MobileNetV2Layers forAlpha(double alpha) {
    try {
      return MobileNetV2Layers.forAlpha(alpha);
    } catch (IllegalArgumentException e) {
      throw new KerasWeightsException(e.getMessage(), e);
    }
  }

  private static Map<String, NamedArray> readArrays(
      Path h5, MobileNetV2Layers network, List<StoredLayer> stored) {
    List<KerasLayer> expected = network.weightedLayers();
    Map<String, NamedArray> arrays = new LinkedHashMap<>();
    for (int i = 0; i < expected.size(); i++) {
      KerasLayer layer = expected.get(i);
      StoredLayer storedLayer = stored.get(i);
      for (int w = 0; w < layer.weights().size(); w++) {
        KerasWeight weight = layer.weights().get(w);
        StoredWeight storedWeight = storedLayer.weights().get(w);
        float[] values = KerasHdf5Layers.readValues(storedLayer, storedWeight, h5);
        String variableName = layer.variableName(weight);
        arrays.put(variableName, new NamedArray(variableName, weight.shape(), values));
      }
    }
    return arrays;
  }

  private static void warnAboutUnknownNames(
      Path h5, MobileNetV2Layers network, List<StoredLayer> stored) {
    List<KerasLayer> expected = network.weightedLayers();
    int unknown = 0;
    String first = null;
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).isKnownAs(stored.get(i).name())) {
        unknown++;
        if (first == null) {
          first = "'" + stored.get(i).name() + "' mapped to '" + expected.get(i).name() + "'";
        }
      }
    }
    if (unknown > 0) {
      LOG.warnf(
          "%d layers of Keras weights file %s have neither current nor 2018 Keras names (first:"
              + " %s), but they were mapped by order and every shape matched",
          unknown, h5, first);
    }
  }

  private static String describeNaming(MobileNetV2Layers network, List<StoredLayer> stored) {
    List<KerasLayer> expected = network.weightedLayers();
    boolean allCurrent = true;
    boolean allLegacyOrUnchanged = true;
    for (int i = 0; i < expected.size(); i++) {
      KerasLayer layer = expected.get(i);
      String name = stored.get(i).name();
      allCurrent &= layer.name().equals(name);
      allLegacyOrUnchanged &=
          layer.legacyNames().contains(name)
              || (layer.legacyNames().isEmpty() && layer.name().equals(name));
    }
    if (allCurrent) {
      return "current";
    }
    return allLegacyOrUnchanged ? "2018" : "mixed";
  }
}

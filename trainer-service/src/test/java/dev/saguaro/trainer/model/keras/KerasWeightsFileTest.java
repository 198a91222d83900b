package dev.saguaro.trainer.model.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saguaro.trainer.model.keras.KerasWeightsFixture.Naming;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KerasWeightsFileTest {

  private static final double ALPHA = 0.35;
  private static final long SEED = 7;

  @TempDir Path directory;

  @Test
  void standardFileNameFollowsKeras() {
    assertThat(KerasWeightsFile.standardFileName(1.0, 96))
        .isEqualTo("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5");
    assertThat(KerasWeightsFile.standardFileName(0.35, 96))
        .isEqualTo("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5");
    assertThat(KerasWeightsFile.standardFileName(0.5, 224))
        .isEqualTo("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_224_no_top.h5");
  }

  @Test
  void file2018NamesMapOntoCurrentNames() {
    Map<String, NamedArray> written = KerasWeightsFixture.generateWeights(ALPHA, SEED);
    Path file = directory.resolve("weights.h5");
    KerasWeightsFixture.write(file, ALPHA, written, Naming.KERAS_2018);

    Map<String, NamedArray> read = KerasWeightsFile.readMobileNetV2(file, ALPHA);

    assertThat(read.keySet()).containsExactlyElementsOf(written.keySet());
    assertThat(read)
        .containsKeys(
            "Conv1.kernel",
            "bn_Conv1.moving_variance",
            "expanded_conv_depthwise.depthwise_kernel",
            "block_1_expand.kernel",
            "block_1_expand_BN.gamma",
            "block_16_project_BN.moving_mean",
            "Conv_1.kernel",
            "Conv_1_bn.beta");
    assertSameValues(read, written);
  }

  @Test
  void fileCurrentNamesMapOntoCurrentNames() {
    Map<String, NamedArray> written = KerasWeightsFixture.generateWeights(ALPHA, SEED);
    Path file = directory.resolve("weights.h5");
    KerasWeightsFixture.write(file, ALPHA, written, Naming.CURRENT);

    Map<String, NamedArray> read = KerasWeightsFile.readMobileNetV2(file, ALPHA);

    assertThat(read.keySet()).containsExactlyElementsOf(written.keySet());
    assertSameValues(read, written);
  }

  @Test
  void h5pyFileWithLayersWithoutWeightsIsRead() throws IOException {
    // Written by write_h5py_weights.py: every value of a weight is its 1-based number in file
    // order.
    Path file = directory.resolve("h5py.h5");
    try (InputStream resource =
            getClass().getResourceAsStream("/keras/mobilenet_v2_h5py_0.35_no_top.h5.gz");
        InputStream unzipped = new GZIPInputStream(resource)) {
      Files.copy(unzipped, file);
    }

    Map<String, NamedArray> read = KerasWeightsFile.readMobileNetV2(file, ALPHA);

    List<String> expectedNames =
        List.copyOf(KerasWeightsFixture.generateWeights(ALPHA, SEED).keySet());
    assertThat(read.keySet()).containsExactlyElementsOf(expectedNames);
    int number = 1;
    for (String name : expectedNames) {
      float[] values = read.get(name).values();
      float expected = number++;
      assertThat(values).as(name).isNotEmpty();
      for (float value : values) {
        assertThat(value).as(name).isEqualTo(expected);
      }
    }
  }

  @Test
  void readArraysHaveTheShapesAlphaImplies() {
    Path file = writeFixture(ALPHA, Naming.KERAS_2018);

    Map<String, NamedArray> read = KerasWeightsFile.readMobileNetV2(file, ALPHA);

    assertThat(read).hasSize(260);
    assertThat(read.get("Conv1.kernel").shape()).containsExactly(3, 3, 3, 16);
    assertThat(read.get("block_1_depthwise.depthwise_kernel").shape()).containsExactly(3, 3, 48, 1);
    assertThat(read.get("Conv_1.kernel").shape()).containsExactly(1, 1, 112, 1280);
    assertThat(read.get("Conv_1_bn.gamma").shape()).containsExactly(1280);
  }

  @Test
  void fileForOtherAlphaIsRejected() {
    Path file = writeFixture(1.0, Naming.KERAS_2018);

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining("layer 'Conv1'")
        .hasMessageContaining("weight 'Conv1/kernel:0'")
        .hasMessageContaining("expected shape [3, 3, 3, 16], found [3, 3, 3, 32]")
        .hasMessageContaining("contains MobileNetV2 weights for alpha 1.0, not 0.35")
        .hasMessageContaining("set alpha to 1.0")
        .hasMessageContaining("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_<size>_no_top");
  }

  @Test
  void closeAlphaIsRejectedAtFirstDifference() {
    // Alpha 0.5 and 0.35 agree up to block 0 and first differ in block 1's projection.
    Path file = writeFixture(0.5, Naming.CURRENT);

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining("layer 'block_1_project'")
        .hasMessageContaining("expected shape [1, 1, 48, 8], found [1, 1, 48, 16]")
        .hasMessageContaining("alpha 0.5, not 0.35");
  }

  @Test
  void fileWithClassifierTopIsRejected() {
    Path file = directory.resolve("with_top.h5");
    Map<String, NamedArray> weights = KerasWeightsFixture.generateWeights(ALPHA, SEED);
    KerasWeightsFixture.write(file, ALPHA, weights, Naming.KERAS_2018, Set.of(), true);

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining("contains the ImageNet classifier (layer 'Logits'")
        .hasMessageContaining("kernel[1280, 1000]")
        .hasMessageContaining("without top")
        .hasMessageContaining("_no_top.h5");
  }

  @Test
  void fileWithMissingLayerIsRejected() {
    Path file = directory.resolve("incomplete.h5");
    Map<String, NamedArray> weights = KerasWeightsFixture.generateWeights(ALPHA, SEED);
    KerasWeightsFixture.write(
        file, ALPHA, weights, Naming.KERAS_2018, Set.of("block_5_project"), false);

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining(
            "Layer 'block_5_project' (2018 name 'mobl5_conv_5_project') with weights"
                + " [kernel[1, 1, 96, 16]] is missing")
        .hasMessageContaining("found layer 'bn5_conv_5_bn_project'")
        .hasMessageContaining("replace it with a complete copy");
  }

  @Test
  void fileEndingEarlyIsRejected() {
    Path file = directory.resolve("short.h5");
    Map<String, NamedArray> weights = KerasWeightsFixture.generateWeights(ALPHA, SEED);
    KerasWeightsFixture.write(
        file, ALPHA, weights, Naming.CURRENT, Set.of("Conv_1", "Conv_1_bn"), false);

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining("Layer 'Conv_1' with weights [kernel[1, 1, 112, 1280]] is missing")
        .hasMessageContaining("the file ends after 102 layers with weights");
  }

  @Test
  void weightOfWrongShapeIsNamed() {
    Map<String, NamedArray> weights =
        new LinkedHashMap<>(KerasWeightsFixture.generateWeights(ALPHA, SEED));
    weights.put(
        "block_7_depthwise_BN.beta",
        new NamedArray("block_7_depthwise_BN.beta", new long[] {7}, new float[7]));
    Path file = directory.resolve("wrong_shape.h5");
    writeWithShapes(file, weights);

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining("layer 'bn7_conv_7_bn_depthwise'")
        .hasMessageContaining("mapped to 'block_7_depthwise_BN'")
        .hasMessageContaining("weight 'bn7_conv_7_bn_depthwise/beta:0'")
        .hasMessageContaining("variable 'block_7_depthwise_BN.beta'")
        .hasMessageContaining("expected shape [144], found [7]");
  }

  @Test
  void truncatedFileIsRejected() throws IOException {
    Path complete = writeFixture(ALPHA, Naming.KERAS_2018);
    byte[] bytes = Files.readAllBytes(complete);
    Path truncated = directory.resolve("truncated.h5");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(truncated, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining(truncated.toString())
        .hasMessageContaining("damaged, truncated or not an HDF5 file");
  }

  @Test
  void fileOfRandomBytesIsRejected() throws IOException {
    byte[] noise = new byte[4096];
    new Random(SEED).nextBytes(noise);
    Path file = directory.resolve("noise.h5");
    Files.write(file, noise);

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining("Failed to read Keras weights file " + file + " as HDF5")
        .hasMessageContaining("damaged, truncated or not an HDF5 file");
  }

  @Test
  void hdf5FileWithoutLayerNamesIsRejected() {
    Path file = directory.resolve("not_keras.h5");
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putDataset("values", new float[] {1, 2, 3});
    }

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining("has no layer_names attribute");
  }

  @Test
  void listedLayerWithoutGroupIsRejected() {
    Path file = directory.resolve("no_group.h5");
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putAttribute("layer_names", new String[] {"Conv1", "bn_Conv1"});
      hdf.putGroup("Conv1").putGroup("Conv1").putDataset("kernel:0", new float[3][3][3][16]);
    }

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining("lists layer 'bn_Conv1' in layer_names but has no group for it");
  }

  @Test
  void listedWeightWithoutDatasetIsRejected() {
    Path file = directory.resolve("no_dataset.h5");
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putAttribute("layer_names", new String[] {"Conv1"});
      WritableGroup layer = hdf.putGroup("Conv1");
      layer.putGroup("Conv1").putDataset("bias:0", new float[16]);
      layer.putAttribute("weight_names", new String[] {"Conv1/kernel:0"});
    }

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining("Layer 'Conv1'")
        .hasMessageContaining("lists weight 'Conv1/kernel:0' in weight_names but has no dataset");
  }

  @Test
  void missingFileIsRejected() {
    Path file = directory.resolve("absent.h5");

    assertThatThrownBy(() -> KerasWeightsFile.readMobileNetV2(file, ALPHA))
        .isInstanceOf(KerasWeightsException.class)
        .hasMessageContaining(file + " not found")
        .hasMessageContaining("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_");
  }

  private Path writeFixture(double alpha, Naming naming) {
    Path file = directory.resolve("weights_" + alpha + "_" + naming + ".h5");
    KerasWeightsFixture.write(
        file, alpha, KerasWeightsFixture.generateWeights(alpha, SEED), naming);
    return file;
  }

  /** Writes the weights with the shapes their arrays carry, which may differ from the layout. */
  private static void writeWithShapes(Path file, Map<String, NamedArray> weights) {
    KerasWeightsFixture.write(file, ALPHA, weights, Naming.KERAS_2018);
  }

  private static void assertSameValues(
      Map<String, NamedArray> actual, Map<String, NamedArray> expected) {
    for (String name : expected.keySet()) {
      assertThat(actual.get(name).shape()).as(name).containsExactly(expected.get(name).shape());
      assertThat(actual.get(name).values()).as(name).isEqualTo(expected.get(name).values());
    }
  }
}

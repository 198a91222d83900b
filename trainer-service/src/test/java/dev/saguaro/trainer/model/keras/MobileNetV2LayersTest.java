package dev.saguaro.trainer.model.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saguaro.trainer.model.keras.KerasLayer.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class MobileNetV2LayersTest {

  @Test
  void layerCountMatchesKeras() {
    List<KerasLayer> layers = MobileNetV2Layers.forAlpha(1.0).layers();

    assertThat(layers).hasSize(154);
    assertThat(layers.get(0).type()).isEqualTo(Type.INPUT);
    assertThat(layers.get(1).name()).isEqualTo("Conv1");
    assertThat(layers.get(100).name()).isEqualTo("block_11_expand_relu");
    assertThat(layers.get(153).name()).isEqualTo("out_relu");
  }

  @Test
  void layerCountIsTheSameForSmallAlpha() {
    assertThat(MobileNetV2Layers.forAlpha(0.35).layers()).hasSize(154);
  }

  @Test
  void parameterCountMatchesKerasAtAlphaOne() {
    // Keras reports 2,257,984 parameters for MobileNetV2(include_top=False, alpha=1.0).
    long parameters =
        MobileNetV2Layers.forAlpha(1.0).weightedLayers().stream()
            .flatMap(layer -> layer.weights().stream())
            .mapToLong(KerasWeight::size)
            .sum();

    assertThat(parameters).isEqualTo(2_257_984);
  }

  @Test
  void weightedLayersHold260Arrays() {
    List<KerasLayer> weighted = MobileNetV2Layers.forAlpha(0.35).weightedLayers();

    assertThat(weighted).hasSize(104);
    assertThat(weighted.stream().mapToInt(layer -> layer.weights().size()).sum()).isEqualTo(260);
  }

  @Test
  void addAndPadLayersSitInRightBlocks() {
    List<String> names =
        MobileNetV2Layers.forAlpha(1.0).layers().stream().map(KerasLayer::name).toList();

    assertThat(names.stream().filter(name -> name.endsWith("_add")))
        .containsExactly(
            "block_2_add",
            "block_4_add",
            "block_5_add",
            "block_7_add",
            "block_8_add",
            "block_9_add",
            "block_11_add",
            "block_12_add",
            "block_14_add",
            "block_15_add");
    assertThat(names.stream().filter(name -> name.endsWith("_pad")))
        .containsExactly("block_1_pad", "block_3_pad", "block_6_pad", "block_13_pad");
  }

  @Test
  void channelsAtAlpha035FollowMakeDivisible() {
    MobileNetV2Layers network = MobileNetV2Layers.forAlpha(0.35);

    assertThat(kernelShape(network, "Conv1")).containsExactly(3, 3, 3, 16);
    assertThat(kernelShape(network, "expanded_conv_project")).containsExactly(1, 1, 16, 8);
    assertThat(kernelShape(network, "block_1_expand")).containsExactly(1, 1, 8, 48);
    assertThat(kernelShape(network, "block_3_project")).containsExactly(1, 1, 48, 16);
    assertThat(kernelShape(network, "block_16_project")).containsExactly(1, 1, 336, 112);
    assertThat(kernelShape(network, "Conv_1")).containsExactly(1, 1, 112, 1280);
    assertThat(network.featureChannels()).isEqualTo(1280);
  }

  @Test
  void finalConvolutionWidensOnlyAboveAlphaOne() {
    assertThat(MobileNetV2Layers.forAlpha(1.0).featureChannels()).isEqualTo(1280);
    assertThat(MobileNetV2Layers.forAlpha(1.3).featureChannels()).isEqualTo(1664);
    assertThat(MobileNetV2Layers.forAlpha(1.4).featureChannels()).isEqualTo(1792);
  }

  @Test
  void makeDivisibleRoundsAsKerasDoes() {
    assertThat(MobileNetV2Layers.makeDivisible(11.2)).isEqualTo(16);
    assertThat(MobileNetV2Layers.makeDivisible(5)).isEqualTo(8);
    assertThat(MobileNetV2Layers.makeDivisible(22)).isEqualTo(24);
    assertThat(MobileNetV2Layers.makeDivisible(33)).isEqualTo(32);
    assertThat(MobileNetV2Layers.makeDivisible(44.8)).isEqualTo(48);
  }

  @Test
  void legacyNamesFollowThe2018Files() {
    MobileNetV2Layers network = MobileNetV2Layers.forAlpha(1.0);

    assertThat(layer(network, "block_1_expand").legacyNames())
        .containsExactly("mobl1_conv_1_expand");
    assertThat(layer(network, "block_1_expand_BN").legacyNames())
        .containsExactly("bn1_conv_1_bn_expand");
    assertThat(layer(network, "block_16_depthwise").legacyNames())
        .containsExactly("mobl16_conv_16_depthwise");
    assertThat(layer(network, "block_16_project_BN").legacyNames())
        .containsExactly("bn16_conv_16_bn_project");
    assertThat(layer(network, "expanded_conv_depthwise").legacyNames()).isEmpty();
  }

  @Test
  void invalidAlphaIsRejected() {
    assertThatThrownBy(() -> MobileNetV2Layers.forAlpha(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alpha 0.0");
    assertThatThrownBy(() -> MobileNetV2Layers.forAlpha(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static KerasLayer layer(MobileNetV2Layers network, String name) {
    return network.layers().stream()
        .filter(layer -> layer.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static long[] kernelShape(MobileNetV2Layers network, String name) {
    return layer(network, name).weights().get(0).shape();
  }
}

package dev.saguaro.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MobileNetV2ArchitectureTest {

  private final MobileNetV2Architecture standard = MobileNetV2Architecture.create(1.0, 96, 2);

  @Test
  void backboneHas154LayersAsKerasCountsThem() {
    assertThat(standard.backboneLayerCount()).isEqualTo(154);
    assertThat(standard.layers()).hasSize(156);
    assertThat(standard.layers().get(0).name()).isEqualTo("input_1");
    assertThat(standard.layers().get(153).name()).isEqualTo("out_relu");
  }

  @Test
  void layer100IsBlock11ExpandRelu() {
    assertThat(standard.layers().get(100).name()).isEqualTo("block_11_expand_relu");
    assertThat(standard.layers().get(99).name()).isEqualTo("block_11_expand_BN");
    assertThat(standard.layers().get(101).name()).isEqualTo("block_11_depthwise");
  }

  @Test
  void layerIndicesMatchListPositions() {
    for (int i = 0; i < standard.layers().size(); i++) {
      assertThat(standard.layers().get(i).index()).isEqualTo(i);
    }
  }

  @Test
  void paddingAndAddLayersWhereKerasHasThem() {
    List<String> names = standard.layers().stream().map(Layer::name).toList();
    assertThat(names)
        .contains("block_1_pad", "block_3_pad", "block_6_pad", "block_13_pad")
        .doesNotContain("block_2_pad", "block_10_add", "block_16_add", "expanded_conv_add");
    assertThat(names).contains("block_2_add", "block_11_add", "block_15_add");
    assertThat(names.stream().filter(name -> name.endsWith("_pad"))).hasSize(4);
    assertThat(names.stream().filter(name -> name.endsWith("_add"))).hasSize(10);
  }

  @Test
  void cutAt100NeedsTwoTensors() {
    List<String> boundary =
        standard.boundaryLayers(100).stream()
            .map(index -> standard.layers().get(index).name())
            .toList();

    assertThat(boundary).containsExactly("block_10_project_BN", "block_11_expand_BN");
    assertThat(standard.layer("block_11_expand_BN").outputShape()).containsExactly(6, 6, 576);
    assertThat(standard.layer("block_10_project_BN").outputShape()).containsExactly(6, 6, 96);
  }

  @Test
  void headCutNeedsOnlyPooledFeatures() {
    List<Integer> boundary = standard.boundaryLayers(standard.headDenseIndex());

    assertThat(boundary).containsExactly(standard.layer(MobileNetV2Architecture.HEAD_POOL).index());
    assertThat(standard.layer(MobileNetV2Architecture.HEAD_POOL).outputShape())
        .containsExactly(1280);
  }

  @Test
  void variableShapesFollowKerasForAlpha1() {
    assertThat(shape(standard, "Conv1.kernel")).containsExactly(3, 3, 3, 32);
    assertThat(shape(standard, "expanded_conv_depthwise.depthwise_kernel"))
        .containsExactly(3, 3, 32, 1);
    assertThat(shape(standard, "expanded_conv_project.kernel")).containsExactly(1, 1, 32, 16);
    assertThat(shape(standard, "block_1_expand.kernel")).containsExactly(1, 1, 16, 96);
    assertThat(shape(standard, "block_16_project.kernel")).containsExactly(1, 1, 960, 320);
    assertThat(shape(standard, "Conv_1.kernel")).containsExactly(1, 1, 320, 1280);
    assertThat(shape(standard, "Conv_1_bn.moving_variance")).containsExactly(1280);
    assertThat(shape(standard, "head_dense.kernel")).containsExactly(1280, 1);
  }

  @Test
  void alpha035RoundsChannelsToMultiplesOf8() {
    MobileNetV2Architecture small = MobileNetV2Architecture.create(0.35, 32, 3);

    assertThat(shape(small, "Conv1.kernel")).containsExactly(3, 3, 3, 16);
    assertThat(shape(small, "expanded_conv_project.kernel")).containsExactly(1, 1, 16, 8);
    assertThat(shape(small, "block_16_project.kernel")).containsExactly(1, 1, 336, 112);
    assertThat(shape(small, "head_dense.kernel")).containsExactly(1280, 3);
    assertThat(small.backboneLayerCount()).isEqualTo(154);
  }

  @Test
  void paddingIsOneLessBeforeAnEvenSide() {
    assertThat(standard.layer("block_1_pad").padding()).containsExactly(0, 1, 0, 1);
    MobileNetV2Architecture odd = MobileNetV2Architecture.create(1.0, 34, 2);
    assertThat(odd.layer("block_1_pad").padding()).containsExactly(1, 1, 1, 1);
    assertThat(standard.layer("out_relu").outputShape()).containsExactly(3, 3, 1280);
  }

  @Test
  void parameterCountMatchesKeras() {
    long parameters =
        standard.variables().stream()
            .filter(spec -> !spec.name().startsWith("head_"))
            .mapToLong(VariableSpec::size)
            .sum();

    // Keras reports 2,257,984 parameters for MobileNetV2(alpha=1.0, include_top=False).
    assertThat(parameters).isEqualTo(2_257_984L);
  }

  @Test
  void singleClassIsRejected() {
    assertThatThrownBy(() -> MobileNetV2Architecture.create(1.0, 96, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 classes");
  }

  private static long[] shape(MobileNetV2Architecture architecture, String name) {
    return architecture.variables().stream()
        .filter(spec -> spec.name().equals(name))
        .findFirst()
        .orElseThrow()
        .shape();
  }
}

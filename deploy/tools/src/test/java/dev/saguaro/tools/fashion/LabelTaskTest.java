package dev.saguaro.tools.fashion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LabelTaskTest {

  @Test
  void hasFootwearMarksSandalSneakerAndAnkleBoot() {
    for (int label = 0; label < 10; label++) {
      String expected = label == 5 || label == 7 || label == 9 ? "1" : "0";
      assertThat(LabelTask.HAS_FOOTWEAR.labelOf(FashionMnistClass.ofLabel(label)))
          .as("has_footwear of label %d", label)
          .isEqualTo(expected);
    }
  }

  @Test
  void tenClassUsesClassNamesInLabelOrder() {
    String[] names =
        Arrays.stream(FashionMnistClass.values())
            .map(LabelTask.TEN_CLASS::labelOf)
            .toArray(String[]::new);

    assertThat(names)
        .containsExactly(
            "t-shirt_top",
            "trouser",
            "pullover",
            "dress",
            "coat",
            "sandal",
            "shirt",
            "sneaker",
            "bag",
            "ankle_boot");
  }

  @Test
  void columnNames() {
    assertThat(LabelTask.HAS_FOOTWEAR.columnName()).isEqualTo("has_footwear");
    assertThat(LabelTask.TEN_CLASS.columnName()).isEqualTo("label");
  }

  @Test
  void labelOutsideTenClassesRejected() {
    assertThatThrownBy(() -> FashionMnistClass.ofLabel(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 10 is not a Fashion-MNIST class");
  }
}

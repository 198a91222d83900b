package dev.saguaro.tools.fashion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SubsetOrderTest {

  private static final byte[] BALANCED = IdxFixtures.cyclicLabels(1000);

  @Test
  void firstKeepsFileOrder() {
    int[] subset = SubsetOrder.slice(SubsetOrder.order(Sampling.FIRST, BALANCED, 7), 10, 5);

    assertThat(subset).containsExactly(10, 11, 12, 13, 14);
  }

  @Test
  void everySamplingIsPermutation() {
    for (Sampling sampling : Sampling.values()) {
      int[] order = SubsetOrder.order(sampling, BALANCED, 7);
      assertThat(Arrays.stream(order).sorted().toArray())
          .as("sorted %s order", sampling)
          .isEqualTo(IntStream.range(0, BALANCED.length).toArray());
    }
  }

  @Test
  void sameSeedGivesSameOrder() {
    for (Sampling sampling : Sampling.values()) {
      assertThat(SubsetOrder.order(sampling, BALANCED, 7))
          .as("%s with seed 7 twice", sampling)
          .isEqualTo(SubsetOrder.order(sampling, BALANCED, 7));
    }
  }

  @Test
  void otherSeedGivesOtherOrder() {
    assertThat(SubsetOrder.order(Sampling.RANDOM, BALANCED, 7))
        .isNotEqualTo(SubsetOrder.order(Sampling.RANDOM, BALANCED, 8));
    assertThat(SubsetOrder.order(Sampling.STRATIFIED, BALANCED, 7))
        .isNotEqualTo(SubsetOrder.order(Sampling.STRATIFIED, BALANCED, 8));
  }

  @Test
  void stratifiedSubsetOfBalancedLabelsIsBalanced() {
    int[] order = SubsetOrder.order(Sampling.STRATIFIED, BALANCED, 7);

    assertThat(countByLabel(SubsetOrder.slice(order, 0, 100), BALANCED))
        .hasSize(10)
        .allSatisfy((label, count) -> assertThat(count).as("label %d", label).isEqualTo(10L));
    assertThat(countByLabel(SubsetOrder.slice(order, 100, 50), BALANCED))
        .allSatisfy((label, count) -> assertThat(count).as("label %d", label).isEqualTo(5L));
  }

  @Test
  void stratifiedSubsetKeepsUnevenProportions() {
    // 700 images of label 0 and 300 of label 1: every prefix should be about 70 % / 30 %.
    byte[] labels = new byte[1000];
    Arrays.fill(labels, 700, 1000, (byte) 1);
    int[] order = SubsetOrder.order(Sampling.STRATIFIED, labels, 3);

    for (int size : new int[] {10, 57, 200}) {
      Map<Integer, Long> counts = countByLabel(SubsetOrder.slice(order, 0, size), labels);
      assertThat(counts.get(1).doubleValue())
          .as("images of label 1 among the first %d", size)
          .isCloseTo(size * 0.3, org.assertj.core.data.Offset.offset(1.0));
    }
  }

  @Test
  void consecutiveSlicesDoNotOverlap() {
    int[] order = SubsetOrder.order(Sampling.STRATIFIED, BALANCED, 11);

    int[] first = SubsetOrder.slice(order, 0, 300);
    int[] second = SubsetOrder.slice(order, 300, 200);

    assertThat(first).hasSize(300);
    assertThat(second).hasSize(200);
    assertThat(Arrays.stream(second).boxed().toList())
        .doesNotContainAnyElementsOf(Arrays.stream(first).boxed().toList());
  }

  @Test
  void sliceBeyondEndRejected() {
    int[] order = SubsetOrder.order(Sampling.FIRST, BALANCED, 0);

    assertThatThrownBy(() -> SubsetOrder.slice(order, 990, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 990 plus count 20 exceeds the 1000 images");
  }

  private static Map<Integer, Long> countByLabel(int[] indices, byte[] labels) {
    return Arrays.stream(indices)
        .boxed()
        .collect(Collectors.groupingBy(i -> (int) labels[i], Collectors.counting()));
  }
}

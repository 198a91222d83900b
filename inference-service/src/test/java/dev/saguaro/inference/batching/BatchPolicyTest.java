package dev.saguaro.inference.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Allowed batch sizes of a {@link BatchPolicy}: defaults, fitting and the checks on bad lists. */
class BatchPolicyTest {

  @Test
  void defaultSizesArePowersOfTwo() {
    assertThat(BatchPolicy.powersOfTwoUpTo(32)).containsExactly(1, 2, 4, 8, 16, 32);
    assertThat(BatchPolicy.powersOfTwoUpTo(24)).containsExactly(1, 2, 4, 8, 16, 24);
    assertThat(BatchPolicy.powersOfTwoUpTo(1)).containsExactly(1);
    assertThat(new BatchPolicy(true, 12, 1000, true).allowedBatchSizes())
        .containsExactly(1, 2, 4, 8, 12);
  }

  @Test
  void batchSizeFitsQueuedImages() {
    BatchPolicy policy = new BatchPolicy(true, 32, 1000, true, List.of(1, 4, 16, 32));

    assertThat(policy.batchSizeFor(1)).isEqualTo(1);
    assertThat(policy.batchSizeFor(3)).isEqualTo(1);
    assertThat(policy.batchSizeFor(4)).isEqualTo(4);
    assertThat(policy.batchSizeFor(15)).isEqualTo(4);
    assertThat(policy.batchSizeFor(31)).isEqualTo(16);
    assertThat(policy.batchSizeFor(32)).isEqualTo(32);
  }

  @Test
  void rejectsListWithoutOneFirst() {
    assertThatThrownBy(() -> new BatchPolicy(true, 8, 1000, true, List.of(2, 4, 8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowed-batch-sizes must start with 1, got [2, 4, 8]")
        .hasMessageContaining("for example [1, 2, 4, 8]");
  }

  @Test
  void rejectsListWithoutMaximumLast() {
    assertThatThrownBy(() -> new BatchPolicy(true, 32, 1000, true, List.of(1, 2, 16)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must end with max-batch-size, got [1, 2, 16]")
        .hasMessageContaining("max-batch-size 32");
  }

  @Test
  void rejectsUnsortedList() {
    assertThatThrownBy(() -> new BatchPolicy(true, 8, 1000, true, List.of(1, 4, 2, 8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly ascending, got [1, 4, 2, 8]");
  }
}

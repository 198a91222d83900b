package dev.saguaro.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EpochShufflerTest {

  @Test
  void orderIsPermutation() {
    int[] order = new EpochShuffler(42, 10_000).order(1, 500);

    assertThat(Arrays.stream(order).sorted().toArray())
        .containsExactly(IntStream.range(0, 500).toArray());
  }

  @Test
  void sameSeedAndEpochGiveSameOrder() {
    assertThat(new EpochShuffler(42, 64).order(3, 200))
        .containsExactly(new EpochShuffler(42, 64).order(3, 200));
  }

  @Test
  void epochsGetDifferentOrders() {
    EpochShuffler shuffler = new EpochShuffler(42, 10_000);

    assertThat(shuffler.order(2, 200)).isNotEqualTo(shuffler.order(1, 200));
  }

  @Test
  void smallBufferDrawsFromFirstExamples() {
    int[] order = new EpochShuffler(7, 4).order(1, 100);

    // The first draw comes from the buffer of the first 4 examples, the fifth from the first 5.
    assertThat(order[0]).isLessThan(4);
    for (int position = 0; position < order.length; position++) {
      assertThat(order[position]).isLessThan(position + 4);
    }
  }

  @Test
  void bufferOfOneKeepsOrder() {
    assertThat(new EpochShuffler(7, 1).order(1, 10)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }
}

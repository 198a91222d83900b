package dev.saguaro.tools.mainjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RocAucTest {

  @Test
  void aucMatchesHandCountedPairs() {
    // Pairs (positive, negative): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, 0.1) right,
    // (0.8, 0.4) right: 3 of 4.
    double auc =
        RocAuc.compute(
            new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true});

    assertThat(auc).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void tiedScoresCountHalf() {
    double auc = RocAuc.compute(new double[] {0.5, 0.5, 0.9}, new boolean[] {false, true, true});

    // (0.5 vs 0.5) counts 0.5, (0.9 vs 0.5) counts 1: 1.5 of 2 pairs.
    assertThat(auc).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void perfectAndReversedRankings() {
    boolean[] labels = {false, false, true, true};

    assertThat(RocAuc.compute(new double[] {0.1, 0.2, 0.8, 0.9}, labels)).isEqualTo(1.0);
    assertThat(RocAuc.compute(new double[] {0.9, 0.8, 0.2, 0.1}, labels)).isEqualTo(0.0);
  }

  @Test
  void singleClassGivesNaN() {
    assertThat(RocAuc.compute(new double[] {0.1, 0.9}, new boolean[] {true, true})).isNaN();
  }

  @Test
  void mismatchedLengthsAreRejected() {
    assertThatThrownBy(() -> RocAuc.compute(new double[] {0.1}, new boolean[] {true, false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 scores but 2 labels");
  }
}

package dev.saguaro.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RocAucTest {

  @Test
  void perfectRankingIsOne() {
    assertThat(
            RocAuc.compute(
                new double[] {0.1, 0.2, 0.8, 0.9}, new boolean[] {false, false, true, true}))
        .isEqualTo(1.0);
  }

  @Test
  void invertedRankingIsZero() {
    assertThat(RocAuc.compute(new double[] {0.9, 0.1}, new boolean[] {false, true})).isEqualTo(0.0);
  }

  @Test
  void handComputedCaseWithTie() {
    // Positives 0.8 and 0.4, negatives 0.4 and 0.1: pairs (0.8>0.4), (0.8>0.1), (0.4=0.4 counts
    // one half), (0.4>0.1) give 3.5 of 4.
    double auc =
        RocAuc.compute(new double[] {0.8, 0.4, 0.4, 0.1}, new boolean[] {true, true, false, false});

    assertThat(auc).isCloseTo(0.875, within(1e-12));
  }

  @Test
  void oneClassOnlyHasNoAuc() {
    assertThat(RocAuc.compute(new double[] {0.3, 0.6}, new boolean[] {true, true})).isNull();
  }
}

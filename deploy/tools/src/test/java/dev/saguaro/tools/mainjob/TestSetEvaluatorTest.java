package dev.saguaro.tools.mainjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestSetEvaluatorTest {

  /** 40 images: 10 positives named "pos", of which 2 are labeled 0; 30 negatives labeled 0. */
  private static List<TestImage> images() {
    List<TestImage> images = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      images.add(new TestImage("pos-" + i, new byte[] {1}, i < 8 ? "1" : "0"));
    }
    for (int i = 0; i < 30; i++) {
      images.add(new TestImage("neg-" + i, new byte[] {2}, "0"));
    }
    return images;
  }

  @Test
  void accuracyAucAndVersionsComeFromTheAnswers() throws Exception {
    try (InferenceStandIn standIn = new InferenceStandIn()) {
      TestSetEvaluator evaluator =
          new TestSetEvaluator(new InferenceApi(standIn.baseUrl()), "fashion");

      Evaluation evaluation = evaluator.evaluate(images());

      // The 2 mislabeled "pos" images are the only errors: 38 of 40.
      assertThat(evaluation.correct()).isEqualTo(38);
      assertThat(evaluation.accuracy()).isCloseTo(0.95, within(1e-12));
      // Positives (8) all score 0.9; negatives: 2 at 0.9 (tied, half each), 30 at 0.2.
      // AUC = (8 * 30 + 8 * 2 * 0.5) / (8 * 32) = 248 / 256.
      assertThat(evaluation.rocAuc()).isCloseTo(248.0 / 256, within(1e-12));
      assertThat(evaluation.majorityRate()).isCloseTo(32.0 / 40, within(1e-12));
      assertThat(evaluation.answersByVersion()).isEqualTo(Map.of(1L, 40));
      // 40 images go in requests of at most 32.
      assertThat(standIn.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void unavailableModelRaisesWithTheProblemDetail() throws Exception {
    try (InferenceStandIn standIn = new InferenceStandIn()) {
      standIn.unavailableAnswers.set(1);
      TestSetEvaluator evaluator =
          new TestSetEvaluator(new InferenceApi(standIn.baseUrl()), "fashion");

      assertThatThrownBy(() -> evaluator.evaluate(images()))
          .isInstanceOf(HttpCallException.class)
          .hasMessageContaining("returned 503")
          .hasMessageContaining("No model version is serving: loading");
    }
  }
}

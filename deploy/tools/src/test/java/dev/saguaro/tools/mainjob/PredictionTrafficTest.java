package dev.saguaro.tools.mainjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saguaro.tools.mainjob.PredictionTraffic.TrafficSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictionTrafficTest {

  private static final List<TestImage> IMAGES =
      List.of(new TestImage("pos-1", new byte[] {1}, "1"));

  @Test
  void trafficRecordsVersionSwitchAndFailures() throws Exception {
    try (InferenceStandIn standIn = new InferenceStandIn()) {
      PredictionTraffic traffic =
          new PredictionTraffic(
              new InferenceApi(standIn.baseUrl()),
              "fashion",
              IMAGES,
              Duration.ofMillis(5),
              10_000,
              Duration.ofSeconds(30));
      traffic.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> traffic.requests() >= 5);
      standIn.unavailableAnswers.set(2);
      await().atMost(Duration.ofSeconds(10)).until(() -> standIn.unavailableAnswers.get() == 0);
      standIn.version.set(2);
      await().atMost(Duration.ofSeconds(10)).until(() -> traffic.currentVersion() == 2);

      TrafficSummary summary = traffic.stop();

      assertThat(summary.failures()).isEqualTo(2);
      assertThat(summary.failureMessages()).hasSize(2).allMatch(m -> m.contains("returned 503"));
      assertThat(summary.answersByVersion()).containsOnlyKeys(1L, 2L);
      assertThat(summary.switches()).hasSize(2);
      assertThat(summary.switches().get(0).toVersion()).isEqualTo(1);
      assertThat(summary.switches().get(1).fromVersion()).isEqualTo(1);
      assertThat(summary.switches().get(1).toVersion()).isEqualTo(2);
      long answered = summary.answersByVersion().values().stream().mapToLong(Long::longValue).sum();
      assertThat(answered + summary.failures()).isEqualTo(summary.requests());
    }
  }

  @Test
  void trafficStopsByItselfAtItsRequestBound() throws Exception {
    try (InferenceStandIn standIn = new InferenceStandIn()) {
      PredictionTraffic traffic =
          new PredictionTraffic(
              new InferenceApi(standIn.baseUrl()),
              "fashion",
              IMAGES,
              Duration.ofMillis(1),
              7,
              Duration.ofSeconds(30));
      traffic.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> traffic.requests() == 7);

      TrafficSummary summary = traffic.stop();

      assertThat(summary.requests()).isEqualTo(7);
      assertThat(standIn.requests.get()).isEqualTo(7);
      assertThat(summary.answersByVersion()).isEqualTo(Map.of(1L, 7L));
    }
  }
}

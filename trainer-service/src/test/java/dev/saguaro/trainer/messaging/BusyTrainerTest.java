package dev.saguaro.trainer.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingEventType;
import dev.saguaro.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request that waits for a busy trainer's only slot keeps the consumer in its group and the
 * service ready, for longer than {@code max.poll.interval.ms} (10 s in the test profile), and then
 * runs once.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = IngestStandInResource.class, restrictToAnnotatedClass = false)
class BusyTrainerTest {

  private static final Duration LONGER_THAN_POLL_INTERVAL = Duration.ofSeconds(15);

  @Test
  void waitingRequestOutlastsPollInterval() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String busyRun = TrainingRequests.newId("busy");
    String waitingRun = TrainingRequests.newId("waiting");
    String busySnapshot = oneClassSnapshot(ingest);
    String waitingSnapshot = oneClassSnapshot(ingest);
    ingest.holdSnapshot(busySnapshot);

    try {
      kafka.send(Topics.TRAINING_REQUESTS, busyRun, request(ingest, busyRun, busySnapshot));
      await().atMost(Duration.ofSeconds(60)).until(() -> ingest.claimsOf(busyRun).size() == 1);
      kafka.send(
          Topics.TRAINING_REQUESTS, waitingRun, request(ingest, waitingRun, waitingSnapshot));

      await()
          .during(LONGER_THAN_POLL_INTERVAL)
          .atMost(LONGER_THAN_POLL_INTERVAL.plusSeconds(10))
          .until(() -> ingest.claimsOf(waitingRun).isEmpty() && isReady());
    } finally {
      ingest.releaseSnapshot(busySnapshot);
    }

    assertThat(KafkaTestWaits.awaitFinalEvent(kafka, busyRun, Duration.ofSeconds(60)).type())
        .isEqualTo(TrainingEventType.FAILED);
    assertThat(KafkaTestWaits.awaitFinalEvent(kafka, waitingRun, Duration.ofSeconds(60)).type())
        .isEqualTo(TrainingEventType.FAILED);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kafka.committedRequestOffset() > lastRequestOffset(kafka, waitingRun));
    assertThat(ingest.claimsOf(waitingRun)).hasSize(1);
    assertThat(kafka.eventsOf(waitingRun, TrainingEventType.STARTED)).hasSize(1);
  }

  private static boolean isReady() {
    return given().when().get("/q/health/ready").statusCode() == 200;
  }

  private static long lastRequestOffset(KafkaTopicsClient kafka, String runId) {
    return kafka.requestOffsets(runId).stream().mapToLong(Long::longValue).max().orElseThrow();
  }

  private static String oneClassSnapshot(IngestEndpointsStandIn ingest) {
    // One class fails right after the download: what matters is when the run starts.
    String snapshotId = TrainingRequests.newId("snapshot");
    ingest.putSnapshot(
        snapshotId,
        SnapshotArchives.archive(
            snapshotId, "default", SnapshotArchives.generate(List.of("1"), 5, 32, 11)));
    return snapshotId;
  }

  private static String request(IngestEndpointsStandIn ingest, String runId, String snapshotId) {
    return TrainingRequests.encode(
        TrainingRequests.request(
            ingest, runId, "default", snapshotId, TrainingRequests.tinyRecipe()));
  }
}

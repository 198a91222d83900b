package dev.saguaro.trainer.messaging;

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
 * A redelivered request never starts a second run. While the run is active here, the local set of
 * active runs skips the request before any claim. After the run ended, the ingest service rejects
 * the claim with 409.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = IngestStandInResource.class, restrictToAnnotatedClass = false)
class RedeliveredRequestTest {

  @Test
  void redeliveryDuringRunIsSkippedWithoutClaim() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String runId = TrainingRequests.newId("redelivered");
    String snapshotId = oneClassSnapshot(ingest);
    String request = request(ingest, runId, snapshotId);
    ingest.holdSnapshot(snapshotId);

    try {
      kafka.send(Topics.TRAINING_REQUESTS, runId, request);
      await().atMost(Duration.ofSeconds(60)).until(() -> ingest.claimsOf(runId).size() == 1);

      KafkaTestWaits.sendRequestAndAwaitAcknowledgement(kafka, runId, request);
      assertThat(ingest.claimsOf(runId)).as("claims while the run is active").hasSize(1);
    } finally {
      ingest.releaseSnapshot(snapshotId);
    }

    KafkaTestWaits.awaitFinalEvent(kafka, runId, Duration.ofSeconds(60));
    assertThat(kafka.eventsOf(runId, TrainingEventType.STARTED)).hasSize(1);
  }

  @Test
  void redeliveryAfterRunIsRejectedByClaim() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String runId = TrainingRequests.newId("finished");
    String request = request(ingest, runId, oneClassSnapshot(ingest));

    kafka.send(Topics.TRAINING_REQUESTS, runId, request);
    KafkaTestWaits.awaitFinalEvent(kafka, runId, Duration.ofSeconds(60));
    KafkaTestWaits.sendRequestAndAwaitAcknowledgement(kafka, runId, request);

    List<IngestEndpointsStandIn.ClaimRequest> claims = ingest.claimsOf(runId);
    assertThat(claims)
        .extracting(IngestEndpointsStandIn.ClaimRequest::status)
        .containsExactly(200, 409);
    assertThat(kafka.eventsOf(runId, TrainingEventType.STARTED)).hasSize(1);
    assertThat(kafka.eventsOf(runId).stream().filter(event -> event.type().isTerminal()))
        .hasSize(1);
  }

  private static String oneClassSnapshot(IngestEndpointsStandIn ingest) {
    // A one-class snapshot fails right after the download, which keeps this test fast. What
    // matters here is how often the run starts, not how it ends.
    String snapshotId = TrainingRequests.newId("snapshot");
    ingest.putSnapshot(
        snapshotId,
        SnapshotArchives.archive(
            snapshotId, "default", SnapshotArchives.generate(List.of("1"), 5, 32, 4)));
    return snapshotId;
  }

  private static String request(IngestEndpointsStandIn ingest, String runId, String snapshotId) {
    return TrainingRequests.encode(
        TrainingRequests.request(
            ingest, runId, "default", snapshotId, TrainingRequests.tinyRecipe()));
  }
}

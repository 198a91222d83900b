package dev.saguaro.trainer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingEventType;
import dev.saguaro.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Records the trainer cannot read (an unknown major schema version, malformed JSON) are skipped,
 * and the request after them is processed.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = IngestStandInResource.class, restrictToAnnotatedClass = false)
class UnsupportedRequestTest {

  @Test
  void unknownSchemaVersionAndMalformedJsonAreSkipped() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String snapshotId = TrainingRequests.newId("snapshot");
    ingest.putSnapshot(
        snapshotId,
        SnapshotArchives.archive(
            snapshotId, "default", SnapshotArchives.generate(List.of("0"), 5, 32, 3)));
    String futureRun = TrainingRequests.newId("future");
    String futureRequest =
        TrainingRequests.encode(
                TrainingRequests.request(
                    ingest, futureRun, "default", snapshotId, TrainingRequests.tinyRecipe()))
            .replace("\"schemaVersion\":\"1.0\"", "\"schemaVersion\":\"2.0\"");
    assertThat(futureRequest).contains("\"schemaVersion\":\"2.0\"");
    String nextRun = TrainingRequests.newId("next");

    kafka.send(Topics.TRAINING_REQUESTS, futureRun, futureRequest);
    kafka.send(Topics.TRAINING_REQUESTS, "malformed", "{\"runId\": \"unterminated");
    kafka.send(
        Topics.TRAINING_REQUESTS,
        nextRun,
        TrainingRequests.encode(
            TrainingRequests.request(
                ingest, nextRun, "default", snapshotId, TrainingRequests.tinyRecipe())));

    assertThat(KafkaTestWaits.awaitFinalEvent(kafka, nextRun, Duration.ofSeconds(60)).type())
        .isEqualTo(TrainingEventType.FAILED);
    assertThat(ingest.claimsOf(futureRun)).isEmpty();
    assertThat(kafka.eventsOf(futureRun)).isEmpty();
  }
}

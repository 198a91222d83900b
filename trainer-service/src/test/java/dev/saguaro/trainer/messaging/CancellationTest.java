package dev.saguaro.trainer.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.contracts.TrainingEventType;
import dev.saguaro.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cancellation on the control topic stops a training run, which publishes CANCELLED. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = IngestStandInResource.class, restrictToAnnotatedClass = false)
class CancellationTest {

  // Far more epochs than the test waits for: the run must still be training when it is cancelled.
  private static final int PHASE1_EPOCHS = 10_000;

  private static final int MAX_EPOCHS_AFTER_CANCELLATION = 5;

  @Test
  void cancellationStopsTrainingRun() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String runId = TrainingRequests.newId("cancelled");
    String snapshotId = TrainingRequests.newId("snapshot");
    String modelName = TrainingRequests.newId("cancelled-model");
    ingest.putSnapshot(
        snapshotId,
        SnapshotArchives.archive(
            snapshotId, modelName, SnapshotArchives.generate(List.of("0", "1"), 40, 32, 6)));

    kafka.send(
        Topics.TRAINING_REQUESTS,
        runId,
        TrainingRequests.encode(
            TrainingRequests.request(
                ingest, runId, modelName, snapshotId, TrainingRequests.tinyRecipe(PHASE1_EPOCHS))));
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> !kafka.eventsOf(runId, TrainingEventType.EPOCH_COMPLETED).isEmpty());
    kafka.send(Topics.TRAINING_CONTROL, runId, TrainingRequests.cancellation(runId));
    int epochsAtCancellation = kafka.eventsOf(runId, TrainingEventType.EPOCH_COMPLETED).size();

    TrainingEvent outcome = KafkaTestWaits.awaitFinalEvent(kafka, runId, Duration.ofSeconds(60));
    assertThat(outcome.type()).isEqualTo(TrainingEventType.CANCELLED);
    // The trainer stops at the next batch; a few epochs may end while the cancellation travels.
    assertThat(kafka.eventsOf(runId, TrainingEventType.EPOCH_COMPLETED).size())
        .as("epochs completed after the cancellation was sent")
        .isLessThanOrEqualTo(epochsAtCancellation + MAX_EPOCHS_AFTER_CANCELLATION);
    assertThat(ingest.versionsOf(modelName)).isEmpty();
  }
}

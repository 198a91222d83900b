package dev.saguaro.trainer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.contracts.TrainingEventType;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.TrainingRequest;
import dev.saguaro.contracts.WeightInitialization;
import dev.saguaro.testing.KafkaBrokerProcess;
import dev.saguaro.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests that cannot be trained fail with a reason, and the consumer goes on to the next. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = IngestStandInResource.class, restrictToAnnotatedClass = false)
class UntrainableRequestTest {

  @Test
  void oneClassSnapshotFailsAndNextRequestRuns() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String oneClassRun = TrainingRequests.newId("one-class");
    String oneClassSnapshot = TrainingRequests.newId("snapshot");
    ingest.putSnapshot(
        oneClassSnapshot,
        SnapshotArchives.archive(
            oneClassSnapshot, "default", SnapshotArchives.generate(List.of("1"), 20, 32, 1)));
    String badSettingsRun = TrainingRequests.newId("bad-settings");
    String goodSnapshot = TrainingRequests.newId("snapshot");
    ingest.putSnapshot(
        goodSnapshot,
        SnapshotArchives.archive(
            goodSnapshot, "default", SnapshotArchives.generate(List.of("0", "1"), 10, 32, 2)));
    TrainingHyperparameters tooSmall =
        new TrainingHyperparameters(
            0.35,
            8,
            32,
            0.1,
            42L,
            1_000,
            1,
            1e-3,
            1,
            1e-4,
            100,
            WeightInitialization.RANDOM,
            false);

    kafka.send(
        Topics.TRAINING_REQUESTS,
        oneClassRun,
        TrainingRequests.encode(
            TrainingRequests.request(
                ingest, oneClassRun, "default", oneClassSnapshot, TrainingRequests.tinyRecipe())));
    kafka.send(
        Topics.TRAINING_REQUESTS,
        badSettingsRun,
        TrainingRequests.encode(
            TrainingRequests.request(ingest, badSettingsRun, "default", goodSnapshot, tooSmall)));

    TrainingEvent oneClassOutcome =
        KafkaTestWaits.awaitFinalEvent(kafka, oneClassRun, Duration.ofSeconds(60));
    assertThat(oneClassOutcome.type()).isEqualTo(TrainingEventType.FAILED);
    assertThat(oneClassOutcome.reason()).contains("one class").contains("at least two classes");

    TrainingEvent badSettingsOutcome =
        KafkaTestWaits.awaitFinalEvent(kafka, badSettingsRun, Duration.ofSeconds(60));
    assertThat(badSettingsOutcome.type()).isEqualTo(TrainingEventType.FAILED);
    assertThat(badSettingsOutcome.reason()).contains("imageSize 8 is out of range");
    assertThat(ingest.claimsOf(badSettingsRun)).hasSize(1);
  }

  @Test
  void snapshotWithoutImagesFails() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String runId = TrainingRequests.newId("empty");
    String snapshotId = TrainingRequests.newId("snapshot");
    ingest.putSnapshot(snapshotId, SnapshotArchives.archive(snapshotId, "default", List.of()));

    kafka.send(
        Topics.TRAINING_REQUESTS,
        runId,
        TrainingRequests.encode(
            TrainingRequests.request(
                ingest, runId, "default", snapshotId, TrainingRequests.tinyRecipe())));

    TrainingEvent outcome = KafkaTestWaits.awaitFinalEvent(kafka, runId, Duration.ofSeconds(60));
    assertThat(outcome.type()).isEqualTo(TrainingEventType.FAILED);
    assertThat(outcome.reason()).contains("has no labeled images");
    assertThat(KafkaTestWaits.typesOf(kafka, runId))
        .filteredOn(type -> type != TrainingEventType.HEARTBEAT)
        .containsExactly(TrainingEventType.STARTED, TrainingEventType.FAILED);
  }

  @Test
  void unreachableSnapshotFailsAfterRetries() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String runId = TrainingRequests.newId("unreachable");
    TrainingRequest reachable =
        TrainingRequests.request(
            ingest, runId, "default", "snapshot-x", TrainingRequests.tinyRecipe());
    // Nothing listens on a port that was free a moment ago: every download attempt is refused.
    String closedPort = "http://127.0.0.1:" + KafkaBrokerProcess.freePort() + "/archive.zip";
    TrainingRequest unreachable =
        new TrainingRequest(
            reachable.schemaVersion(),
            reachable.requestId(),
            runId,
            1,
            "default",
            "snapshot-x",
            closedPort,
            reachable.hyperparameters(),
            reachable.trigger(),
            reachable.requestedBy(),
            reachable.requestedAt());

    kafka.send(Topics.TRAINING_REQUESTS, runId, TrainingRequests.encode(unreachable));

    TrainingEvent outcome = KafkaTestWaits.awaitFinalEvent(kafka, runId, Duration.ofSeconds(60));
    assertThat(outcome.type()).isEqualTo(TrainingEventType.FAILED);
    assertThat(outcome.reason())
        .contains("downloading snapshot archive " + closedPort)
        .contains("failed after 3 attempts");
  }

  @Test
  void missingImageNetFileFailsRun() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String runId = TrainingRequests.newId("imagenet");
    String snapshotId = TrainingRequests.newId("snapshot");
    ingest.putSnapshot(
        snapshotId,
        SnapshotArchives.archive(
            snapshotId, "default", SnapshotArchives.generate(List.of("0", "1"), 5, 32, 8)));
    TrainingHyperparameters imageNet =
        new TrainingHyperparameters(
            0.35,
            32,
            32,
            0.1,
            42L,
            1_000,
            1,
            1e-3,
            1,
            1e-4,
            100,
            WeightInitialization.IMAGENET,
            false);

    kafka.send(
        Topics.TRAINING_REQUESTS,
        runId,
        TrainingRequests.encode(
            TrainingRequests.request(ingest, runId, "default", snapshotId, imageNet)));

    TrainingEvent outcome = KafkaTestWaits.awaitFinalEvent(kafka, runId, Duration.ofSeconds(60));
    assertThat(outcome.type()).isEqualTo(TrainingEventType.FAILED);
    assertThat(outcome.reason())
        .contains("initialization IMAGENET needs the Keras weights file")
        .contains("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_32_no_top.h5");
  }

  @Test
  void undecodableImageFailsWithReason() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String runId = TrainingRequests.newId("corrupt");
    String snapshotId = TrainingRequests.newId("snapshot");
    List<SnapshotArchives.Example> examples =
        new java.util.ArrayList<>(SnapshotArchives.generate(List.of("0", "1"), 10, 32, 10));
    SnapshotArchives.Example broken = examples.get(3);
    examples.set(
        3,
        new SnapshotArchives.Example(
            broken.imageId(),
            broken.label(),
            "not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    ingest.putSnapshot(snapshotId, SnapshotArchives.archive(snapshotId, "default", examples));

    kafka.send(
        Topics.TRAINING_REQUESTS,
        runId,
        TrainingRequests.encode(
            TrainingRequests.request(
                ingest, runId, "default", snapshotId, TrainingRequests.tinyRecipe())));

    TrainingEvent outcome = KafkaTestWaits.awaitFinalEvent(kafka, runId, Duration.ofMinutes(2));
    assertThat(outcome.type()).isEqualTo(TrainingEventType.FAILED);
    assertThat(outcome.reason())
        .contains("Image " + broken.imageId())
        .contains("cannot be decoded");
  }
}

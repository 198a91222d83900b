package dev.saguaro.trainer.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saguaro.contracts.AnnouncementKind;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import dev.saguaro.contracts.ModelVersionAnnouncement;
import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.contracts.TrainingEventType;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.WeightInitialization;
import dev.saguaro.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * The whole trainer at tiny scale. A training request on Kafka becomes a model that is stored at
 * the ingest stand-in and announced on the model-version topic. The stored SavedModel, loaded in a
 * fresh session, predicts what the trainer's model predicted in memory.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = IngestStandInResource.class, restrictToAnnotatedClass = false)
class TrainingPipelineTest {

  private static final float PREDICTION_TOLERANCE = 1e-5f;

  @Inject RecordingTrainedModelObserver observer;

  @TempDir Path tempDir;

  @Test
  void requestBecomesAnnouncedModelThatPredictsLikeTrainer() throws IOException {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String runId = TrainingRequests.newId("pipeline");
    String snapshotId = TrainingRequests.newId("snapshot");
    String modelName = TrainingRequests.newId("cactus");
    List<SnapshotArchives.Example> examples =
        SnapshotArchives.generate(List.of("0", "1"), 150, 32, 7);
    ingest.putSnapshot(snapshotId, SnapshotArchives.archive(snapshotId, modelName, examples));
    List<byte[]> probes =
        examples.subList(0, 24).stream().map(SnapshotArchives.Example::png).toList();
    observer.probe(runId, probes);

    kafka.send(
        Topics.TRAINING_REQUESTS,
        runId,
        TrainingRequests.encode(
            TrainingRequests.request(
                ingest, runId, modelName, snapshotId, TrainingRequests.tinyRecipe())));

    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                !kafka.eventsOf(runId, TrainingEventType.SUCCEEDED).isEmpty()
                    || !kafka.eventsOf(runId, TrainingEventType.FAILED).isEmpty());
    assertThat(kafka.eventsOf(runId, TrainingEventType.FAILED)).isEmpty();

    List<TrainingEvent> events = kafka.eventsOf(runId);
    assertThat(events.stream().map(TrainingEvent::sequence).toList())
        .as("sequence numbers of the attempt")
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
    assertThat(events.get(0).type()).isEqualTo(TrainingEventType.STARTED);
    assertThat(kafka.eventsOf(runId, TrainingEventType.PHASE_STARTED))
        .extracting(TrainingEvent::phase)
        .containsExactly(1, 2);
    assertThat(kafka.eventsOf(runId, TrainingEventType.EPOCH_COMPLETED))
        .extracting(event -> event.metrics().epoch())
        .containsExactly(1, 2);
    TrainingEvent succeeded = events.get(events.size() - 1);
    assertThat(succeeded.type()).isEqualTo(TrainingEventType.SUCCEEDED);

    List<IngestEndpointsStandIn.StoredVersion> stored = ingest.versionsOf(modelName);
    assertThat(stored).hasSize(1);
    ModelArtifact artifact = stored.get(0).artifact();
    assertThat(stored.get(0).runId()).isEqualTo(runId);
    assertThat(succeeded.model()).isEqualTo(artifact);
    assertThat(artifact.classNames()).containsExactly("0", "1");
    assertThat(artifact.imageSize()).isEqualTo(32);

    ConsumerRecord<String, String> announcementRecord =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    kafka.announcementRecords().stream()
                        .filter(record -> record.key().equals(modelName))
                        .findFirst(),
                java.util.Optional::isPresent)
            .get();
    ModelVersionAnnouncement announcement =
        KafkaTopicsClient.decodeAnnouncement(announcementRecord);
    assertThat(announcement.kind()).isEqualTo(AnnouncementKind.NEW_VERSION);
    assertThat(announcement.model()).isEqualTo(artifact);
    assertThat(announcement.runId()).isEqualTo(runId);
    assertThat(announcement.snapshotId()).isEqualTo(snapshotId);

    Path savedModel = unzip(stored.get(0).zip(), tempDir.resolve("reloaded"));
    ModelMetadata metadata =
        ContractCodec.decode(
            Files.readString(savedModel.resolve(ModelSignatures.METADATA_ENTRY)),
            ModelMetadata.class);
    assertThat(metadata.runId()).isEqualTo(runId);
    assertThat(metadata.snapshotId()).isEqualTo(snapshotId);
    assertThat(metadata.hyperparameters()).isEqualTo(TrainingRequests.tinyRecipe());

    await().atMost(Duration.ofSeconds(30)).until(() -> runDirectories().isEmpty());
    io.restassured.RestAssured.given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            org.hamcrest.Matchers.containsString(
                "saguaro_trainer_runs_total{outcome=\"succeeded\""))
        .body(org.hamcrest.Matchers.containsString("saguaro_trainer_epoch_images_per_second"));

    float[][] trainerPredictions = observer.predictionsOf(runId);
    assertThat(trainerPredictions).hasNumberOfRows(probes.size());
    float[][] reloadedPredictions = predictWithFreshSession(savedModel, probes);
    for (int i = 0; i < probes.size(); i++) {
      for (int c = 0; c < 2; c++) {
        assertThat(reloadedPredictions[i][c])
            .as("image %d class %d", i, c)
            .isCloseTo(
                trainerPredictions[i][c],
                org.assertj.core.data.Offset.offset(PREDICTION_TOLERANCE));
      }
    }
  }

  /** Returns the per-run directories left in the test profile's work directory. */
  private static List<Path> runDirectories() throws IOException {
    Path workDirectory = Path.of("target/trainer-work");
    if (!Files.isDirectory(workDirectory)) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> entries = Files.list(workDirectory)) {
      return entries.filter(path -> path.getFileName().toString().startsWith("run-")).toList();
    }
  }

  private static float[][] predictWithFreshSession(Path savedModel, List<byte[]> images) {
    float[][] predictions = new float[images.size()][];
    try (SavedModelBundle bundle =
        SavedModelBundle.load(savedModel.toString(), ModelSignatures.SERVE_TAG)) {
      for (int i = 0; i < images.size(); i++) {
        try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(images.get(i)));
            Result result =
                bundle
                    .function(ModelSignatures.SERVING_DEFAULT)
                    .call(Map.<String, Tensor>of(ModelSignatures.INPUT_IMAGE_BYTES, input))) {
          TFloat32 probabilities =
              (TFloat32) result.get(ModelSignatures.OUTPUT_PROBABILITIES).orElseThrow();
          float[] row = new float[(int) probabilities.shape().get(1)];
          probabilities.copyTo(DataBuffers.of(row, false, false));
          predictions[i] = row;
        }
      }
    }
    return predictions;
  }

  private static Path unzip(byte[] zip, Path directory) throws IOException {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        Path target = directory.resolve(entry.getName());
        Files.createDirectories(target.getParent());
        Files.copy(in, target);
      }
    }
    assertThat(directory.resolve("saved_model.pb")).as("SavedModel at the zip root").exists();
    return directory;
  }

  @Test
  void servedModelRunStartsFromStoredVersion() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String modelName = TrainingRequests.newId("continued");
    String snapshotId = TrainingRequests.newId("snapshot");
    ingest.putSnapshot(
        snapshotId,
        SnapshotArchives.archive(
            snapshotId, modelName, SnapshotArchives.generate(List.of("0", "1"), 50, 32, 9)));
    String firstRun = TrainingRequests.newId("first");
    String continuedRun = TrainingRequests.newId("continued-run");
    TrainingHyperparameters fromServed =
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
            WeightInitialization.SERVED_MODEL,
            false);

    kafka.send(
        Topics.TRAINING_REQUESTS,
        firstRun,
        TrainingRequests.encode(
            TrainingRequests.request(
                ingest, firstRun, modelName, snapshotId, TrainingRequests.tinyRecipe())));
    kafka.send(
        Topics.TRAINING_REQUESTS,
        continuedRun,
        TrainingRequests.encode(
            TrainingRequests.request(ingest, continuedRun, modelName, snapshotId, fromServed)));

    assertThat(KafkaTestWaits.awaitFinalEvent(kafka, firstRun, Duration.ofMinutes(3)).type())
        .isEqualTo(TrainingEventType.SUCCEEDED);
    TrainingEvent continued =
        KafkaTestWaits.awaitFinalEvent(kafka, continuedRun, Duration.ofMinutes(3));
    assertThat(continued.reason()).isNull();
    assertThat(continued.type()).isEqualTo(TrainingEventType.SUCCEEDED);
    assertThat(continued.model().version()).isEqualTo(2);
    assertThat(ingest.artifactDownloads()).containsExactly(modelName + "/1");
  }
}

package dev.saguaro.ingest;

import static dev.saguaro.ingest.DatasetSnapshotApiTest.seedImages;
import static dev.saguaro.ingest.ImageApiTest.newDataset;
import static dev.saguaro.ingest.ImageApiTest.withKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.RunTrigger;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingCancellation;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.contracts.TrainingEventType;
import dev.saguaro.contracts.TrainingRequest;
import dev.saguaro.testing.KafkaTestResource;
import dev.saguaro.testing.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class TrainingRunApiTest {

  @Inject AgroalDataSource dataSource;

  static String createRun(String dataset, String hyperparameters) {
    String body =
        "{\"modelName\":\""
            + dataset
            + "\""
            + (hyperparameters == null ? "" : ",\"hyperparameters\":" + hyperparameters)
            + "}";
    return withKey()
        .contentType("application/json")
        .body(body)
        .post("/api/v1/runs")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  static String trainableRun() {
    String dataset = newDataset();
    seedImages(dataset, 2, "cat", "dog");
    return createRun(dataset, null);
  }

  static void claim(String runId, String trainer, int attempt, int expectedStatus) {
    withKey()
        .contentType("application/json")
        .body("{\"trainerId\":\"" + trainer + "\",\"attempt\":" + attempt + "}")
        .post("/api/v1/runs/{id}/claims", runId)
        .then()
        .statusCode(expectedStatus);
  }

  static String event(
      String runId,
      int attempt,
      long sequence,
      TrainingEventType type,
      String trainer,
      EpochMetrics metrics,
      String reason) {
    return ContractCodec.encode(
        new TrainingEvent(
            SchemaVersion.CURRENT,
            UUID.randomUUID().toString(),
            runId,
            attempt,
            sequence,
            type,
            trainer,
            Instant.now(),
            metrics == null ? null : metrics.phase(),
            4,
            metrics,
            null,
            reason));
  }

  static EpochMetrics epoch(int epoch) {
    return new EpochMetrics(1, epoch, 0.5 / epoch, 0.7, 0.6 / epoch, 0.65, 0.8, 3.0, 250.0);
  }

  @Test
  void runIsQueuedAndRequestPublished() {
    String dataset = newDataset();
    seedImages(dataset, 3, "0", "1");

    String runId =
        withKey()
            .contentType("application/json")
            .body(
                "{\"modelName\":\""
                    + dataset
                    + "\",\"hyperparameters\":{\"phase1Epochs\":2,"
                    + "\"alpha\":0.35}}")
            .post("/api/v1/runs")
            .then()
            .statusCode(201)
            .body("state", equalTo("QUEUED"))
            .body("trigger", equalTo("MANUAL"))
            .body("requestedBy", equalTo("api-key-1"))
            .body("attempt", equalTo(1))
            .body("hyperparameters.phase1Epochs", equalTo(2))
            .body("hyperparameters.alpha", equalTo(0.35f))
            .body("hyperparameters.phase2Epochs", equalTo(30))
            .extract()
            .path("id");

    List<ConsumerRecord<String, String>> records =
        KafkaTestClients.readUntil(
            Topics.TRAINING_REQUESTS,
            r -> r.stream().anyMatch(x -> runId.equals(x.key())),
            Duration.ofSeconds(30),
            Duration.ZERO);
    TrainingRequest request =
        records.stream()
            .filter(r -> runId.equals(r.key()))
            .map(r -> ContractCodec.decode(r.value(), TrainingRequest.class))
            .findFirst()
            .orElseThrow();
    assertThat(request.modelName()).isEqualTo(dataset);
    assertThat(request.attempt()).isEqualTo(1);
    assertThat(request.trigger()).isEqualTo(RunTrigger.MANUAL);
    assertThat(request.hyperparameters().phase1Epochs()).isEqualTo(2);
    assertThat(request.hyperparameters().batchSize()).isEqualTo(32);
    assertThat(request.snapshotArchiveUri())
        .endsWith("/api/v1/snapshots/" + request.snapshotId() + "/archive");

    given()
        .get("/api/v1/snapshots/{id}", request.snapshotId())
        .then()
        .statusCode(200)
        .body("imageCount", equalTo(6));
    given()
        .queryParam("modelName", dataset)
        .get("/api/v1/runs")
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].id", equalTo(runId));
  }

  @Test
  void emptySnapshotIsUnprocessable() {
    String dataset = newDataset();
    withKey()
        .contentType("application/json")
        .body("{\"name\":\"" + dataset + "\"}")
        .post("/api/v1/datasets")
        .then()
        .statusCode(201);

    withKey()
        .contentType("application/json")
        .body("{\"modelName\":\"" + dataset + "\"}")
        .post("/api/v1/runs")
        .then()
        .statusCode(422)
        .body("type", equalTo("urn:saguaro:problem:empty-snapshot"))
        .body("detail", containsString("no images"));
    given().get("/api/v1/datasets/{d}/snapshots", dataset).then().body("$", hasSize(0));
  }

  @Test
  void singleClassSnapshotIsUnprocessable() {
    String dataset = newDataset();
    seedImages(dataset, 3, "cat");

    withKey()
        .contentType("application/json")
        .body("{\"modelName\":\"" + dataset + "\"}")
        .post("/api/v1/runs")
        .then()
        .statusCode(422)
        .body("type", equalTo("urn:saguaro:problem:single-class-snapshot"))
        .body("detail", containsString("[cat]"));
    given().queryParam("modelName", dataset).get("/api/v1/runs").then().body("$", hasSize(0));
  }

  @Test
  void invalidHyperparametersAreRejected() {
    String dataset = newDataset();
    seedImages(dataset, 1, "cat", "dog");

    withKey()
        .contentType("application/json")
        .body(
            "{\"modelName\":\""
                + dataset
                + "\",\"hyperparameters\":{\"batchSize\":0,\"imageSize\":8}}")
        .post("/api/v1/runs")
        .then()
        .statusCode(400)
        .body("detail", containsString("batchSize 0"))
        .body("errors", hasSize(2));
    given().queryParam("modelName", dataset).get("/api/v1/runs").then().body("$", hasSize(0));
  }

  @Test
  void runOfUnknownDatasetIsNotFound() {
    withKey()
        .contentType("application/json")
        .body("{\"modelName\":\"nope-nope\"}")
        .post("/api/v1/runs")
        .then()
        .statusCode(404);
    given().get("/api/v1/runs/{id}", UUID.randomUUID()).then().statusCode(404);
    given()
        .queryParam("state", "SLEEPING")
        .get("/api/v1/runs")
        .then()
        .statusCode(400)
        .body("detail", containsString("'SLEEPING'"));
  }

  @Test
  void claimsGrantOneTrainerPerAttempt() {
    String runId = trainableRun();

    withKey()
        .contentType("application/json")
        .body("{\"trainerId\":\"t1\",\"attempt\":1}")
        .post("/api/v1/runs/{id}/claims", runId)
        .then()
        .statusCode(200)
        .body("state", equalTo("RUNNING"))
        .body("attempt", equalTo(1))
        .body("leaseSeconds", equalTo(120))
        .body("runId", equalTo(runId));
    claim(runId, "t1", 1, 200);
    claim(runId, "t2", 1, 409);
    claim(runId, "t1", 2, 409);
    given()
        .get("/api/v1/runs/{id}", runId)
        .then()
        .body("trainerId", equalTo("t1"))
        .body("state", equalTo("RUNNING"));
  }

  @Test
  void eventsUpdateRunOnceEach() {
    String runId = trainableRun();
    claim(runId, "t1", 1, 200);

    String epochOne = event(runId, 1, 2, TrainingEventType.EPOCH_COMPLETED, "t1", epoch(1), null);
    KafkaTestClients.send(
        Topics.TRAINING_EVENTS,
        runId,
        event(runId, 1, 0, TrainingEventType.STARTED, "t1", null, null),
        "this is not json",
        event(runId, 1, 1, TrainingEventType.PHASE_STARTED, "t1", null, null),
        epochOne,
        epochOne,
        ContractCodec.encode(
            new TrainingEvent(
                "2.0",
                "e",
                runId,
                1,
                9,
                TrainingEventType.FAILED,
                "t1",
                Instant.now(),
                null,
                null,
                null,
                null,
                "from the future")),
        event(runId, 1, 3, TrainingEventType.HEARTBEAT, "t1", null, null),
        event(runId, 1, 4, TrainingEventType.EPOCH_COMPLETED, "t1", epoch(2), null),
        epochOne,
        event(runId, 1, 1, TrainingEventType.EPOCH_COMPLETED, "t2", epoch(7), null));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> given().get("/api/v1/runs/{id}", runId).then().body("epoch", equalTo(2)));
    given()
        .get("/api/v1/runs/{id}", runId)
        .then()
        .body("state", equalTo("RUNNING"))
        .body("phase", equalTo(1))
        .body("totalEpochs", equalTo(4))
        .body("metricsHistory", hasSize(2))
        .body("metricsHistory[0].epoch", equalTo(1))
        .body("metricsHistory[1].validationAccuracy", equalTo(0.65f));

    // Redelivery of the whole stream changes nothing.
    KafkaTestClients.send(
        Topics.TRAINING_EVENTS,
        runId,
        epochOne,
        event(runId, 1, 5, TrainingEventType.FAILED, "t1", null, "out of memory"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> given().get("/api/v1/runs/{id}", runId).then().body("state", equalTo("FAILED")));
    given()
        .get("/api/v1/runs/{id}", runId)
        .then()
        .body("failureReason", equalTo("out of memory"))
        .body("metricsHistory", hasSize(2));
  }

  @Test
  void cancelQueuedRunPublishesCancellation() {
    String runId = trainableRun();

    withKey()
        .post("/api/v1/runs/{id}/cancel", runId)
        .then()
        .statusCode(200)
        .body("state", equalTo("CANCELLED"));
    claim(runId, "t1", 1, 409);
    withKey().post("/api/v1/runs/{id}/cancel", runId).then().statusCode(409);

    List<ConsumerRecord<String, String>> records =
        KafkaTestClients.readUntil(
            Topics.TRAINING_CONTROL,
            r -> r.stream().anyMatch(x -> runId.equals(x.key())),
            Duration.ofSeconds(30),
            Duration.ZERO);
    TrainingCancellation cancellation =
        records.stream()
            .filter(r -> runId.equals(r.key()))
            .map(r -> ContractCodec.decode(r.value(), TrainingCancellation.class))
            .findFirst()
            .orElseThrow();
    assertThat(cancellation.requestedBy()).isEqualTo("api-key-1");
  }

  @Test
  void cancelRunningRunWaitsForTrainer() {
    String runId = trainableRun();
    claim(runId, "t1", 1, 200);

    withKey()
        .post("/api/v1/runs/{id}/cancel", runId)
        .then()
        .statusCode(200)
        .body("state", equalTo("CANCELLING"));
    KafkaTestClients.send(
        Topics.TRAINING_EVENTS,
        runId,
        event(runId, 1, 0, TrainingEventType.CANCELLED, "t1", null, null));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given().get("/api/v1/runs/{id}", runId).then().body("state", equalTo("CANCELLED")));
  }

  @Test
  void expiredLeaseRequeuesUntilAttemptsRunOut() throws Exception {
    String runId = trainableRun();

    for (int attempt = 1; attempt <= 3; attempt++) {
      claim(runId, "t" + attempt, attempt, 200);
      backdateLastEvent(runId);
      int expectedAttempt = attempt + 1;
      if (attempt < 3) {
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () ->
                    given()
                        .get("/api/v1/runs/{id}", runId)
                        .then()
                        .body("attempt", equalTo(expectedAttempt))
                        .body("state", equalTo("QUEUED")));
        claim(runId, "t" + attempt, attempt, 409);
      }
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                given()
                    .get("/api/v1/runs/{id}", runId)
                    .then()
                    .body("state", equalTo("FAILED"))
                    .body("failureReason", containsString("no attempts are left")));

    List<ConsumerRecord<String, String>> records =
        KafkaTestClients.readUntil(
            Topics.TRAINING_REQUESTS,
            r -> r.stream().filter(x -> runId.equals(x.key())).count() >= 3,
            Duration.ofSeconds(30),
            Duration.ofSeconds(1));
    List<TrainingRequest> requests =
        records.stream()
            .filter(r -> runId.equals(r.key()))
            .map(r -> ContractCodec.decode(r.value(), TrainingRequest.class))
            .toList();
    assertThat(requests).extracting(TrainingRequest::attempt).containsExactly(1, 2, 3);
    assertThat(requests)
        .extracting(TrainingRequest::trigger)
        .containsExactly(RunTrigger.MANUAL, RunTrigger.RETRY, RunTrigger.RETRY);
  }

  private void backdateLastEvent(String runId) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "UPDATE training_run SET last_event_at = now() - interval '10 minutes' WHERE id = ?")) {
      statement.setObject(1, UUID.fromString(runId));
      assertThat(statement.executeUpdate()).isEqualTo(1);
    }
  }
}

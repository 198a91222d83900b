package dev.saguaro.ingest;

import static dev.saguaro.ingest.ImageApiTest.newDataset;
import static dev.saguaro.ingest.ImageApiTest.withKey;
import static dev.saguaro.ingest.TrainingRunApiTest.claim;
import static dev.saguaro.ingest.TrainingRunApiTest.createRun;
import static dev.saguaro.ingest.TrainingRunApiTest.epoch;
import static dev.saguaro.ingest.TrainingRunApiTest.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.saguaro.contracts.AnnouncementKind;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelVersionAnnouncement;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingEventType;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.ingest.storage.Sha256;
import dev.saguaro.testing.KafkaTestResource;
import dev.saguaro.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ModelVersionApiTest {

  static byte[] artifact(String model, String runId, String weights) {
    ModelMetadata metadata =
        new ModelMetadata(
            SchemaVersion.CURRENT,
            model,
            0,
            List.of("cat", "dog"),
            96,
            TrainingHyperparameters.recipeDefaults(),
            runId,
            null,
            null,
            Instant.now());
    return new TestImages.Zip()
        .add("saved_model.pb", "graph")
        .add("variables/variables.data-00000-of-00001", weights)
        .add("assets.extra/saguaro-model.json", ContractCodec.encode(metadata))
        .build();
  }

  static String newRun(String dataset) {
    DatasetSnapshotApiTest.seedImages(dataset, 2, "cat", "dog");
    return createRun(dataset, null);
  }

  static io.restassured.response.Response upload(String model, String runId, byte[] zip) {
    return withKey()
        .multiPart("runId", runId)
        .multiPart("artifact", "model.zip", zip, "application/zip")
        .post("/api/v1/models/{m}/versions", model);
  }

  @Test
  void uploadedArtifactBecomesVersionAndRunSucceeds() {
    String model = newDataset();
    String runId = newRun(model);
    claim(runId, "t1", 1, 200);
    KafkaTestClients.send(
        Topics.TRAINING_EVENTS,
        runId,
        event(runId, 1, 0, TrainingEventType.EPOCH_COMPLETED, "t1", epoch(1), null));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given().get("/api/v1/runs/{id}", runId).then().body("metricsHistory", hasSize(1)));
    byte[] zip = artifact(model, runId, "weights-1");

    upload(model, runId, zip)
        .then()
        .statusCode(201)
        .body("version", equalTo(1))
        .body("sha256", equalTo(Sha256.hex(zip)))
        .body("sizeBytes", equalTo(zip.length))
        .body("classNames", equalTo(List.of("cat", "dog")))
        .body("imageSize", equalTo(96))
        .body("artifactUri", endsWith("/api/v1/models/" + model + "/versions/1/artifact"));
    upload(model, runId, zip).then().statusCode(200).body("version", equalTo(1));
    upload(model, runId, artifact(model, runId, "other")).then().statusCode(409);

    KafkaTestClients.send(
        Topics.TRAINING_EVENTS,
        runId,
        event(runId, 1, 1, TrainingEventType.SUCCEEDED, "t1", null, null));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .get("/api/v1/runs/{id}", runId)
                    .then()
                    .body("state", equalTo("SUCCEEDED"))
                    .body("modelVersion", equalTo(1)));

    given()
        .get("/api/v1/models/{m}/versions/1", model)
        .then()
        .statusCode(200)
        .body("runId", equalTo(runId))
        .body("snapshotId", equalTo(given().get("/api/v1/runs/{id}", runId).path("snapshotId")))
        .body("sha256", equalTo(Sha256.hex(zip)))
        .body("finalMetrics.epoch", equalTo(1))
        .body("pinned", equalTo(false));
    byte[] downloaded =
        given()
            .get("/api/v1/models/{m}/versions/1/artifact", model)
            .then()
            .statusCode(200)
            .header("X-Checksum-SHA256", Sha256.hex(zip))
            .extract()
            .asByteArray();
    assertThat(downloaded).isEqualTo(zip);
    given().get("/api/v1/models/{m}/versions", model).then().body("$", hasSize(1));
  }

  @Test
  void pinChoosesServedVersionAndIsAnnounced() {
    String model = newDataset();
    String firstRun = newRun(model);
    upload(model, firstRun, artifact(model, firstRun, "a")).then().statusCode(201);
    String secondRun = createRun(model, null);
    upload(model, secondRun, artifact(model, secondRun, "b"))
        .then()
        .statusCode(201)
        .body("version", equalTo(2));

    given()
        .get("/api/v1/models/{m}/serving", model)
        .then()
        .statusCode(200)
        .body("version", equalTo(2));
    withKey()
        .contentType("application/json")
        .body("{\"version\":1}")
        .put("/api/v1/models/{m}/pin", model)
        .then()
        .statusCode(200)
        .body("version", equalTo(1));
    given().get("/api/v1/models/{m}/serving", model).then().body("version", equalTo(1));
    given().get("/api/v1/models/{m}/versions/1", model).then().body("pinned", equalTo(true));
    given().get("/api/v1/models").then().statusCode(200);

    withKey().delete("/api/v1/models/{m}/pin", model).then().statusCode(204);
    given().get("/api/v1/models/{m}/serving", model).then().body("version", equalTo(2));

    String pinKey = ModelVersionAnnouncement.pinKey(model);
    List<ConsumerRecord<String, String>> records =
        KafkaTestClients.readUntil(
            Topics.MODEL_VERSIONS,
            r -> r.stream().filter(x -> pinKey.equals(x.key())).count() >= 2,
            Duration.ofSeconds(30),
            Duration.ZERO);
    List<ModelVersionAnnouncement> announcements =
        records.stream()
            .filter(r -> pinKey.equals(r.key()))
            .map(r -> ContractCodec.decode(r.value(), ModelVersionAnnouncement.class))
            .toList();
    assertThat(announcements)
        .extracting(ModelVersionAnnouncement::kind)
        .containsExactly(AnnouncementKind.PINNED, AnnouncementKind.PIN_RELEASED);
    assertThat(announcements.get(0).model().version()).isEqualTo(1);
    assertThat(announcements.get(0).runId()).isEqualTo(firstRun);
  }

  @Test
  void badUploadsAreRejected() {
    String model = newDataset();
    String runId = newRun(model);
    byte[] noMetadata = new TestImages.Zip().add("saved_model.pb", "graph").build();

    upload(model, runId, noMetadata)
        .then()
        .statusCode(400)
        .body("detail", containsString("assets.extra/saguaro-model.json"));
    upload(model, runId, "not a zip".getBytes()).then().statusCode(400);
    upload(model, UUID.randomUUID().toString(), artifact(model, runId, "x")).then().statusCode(404);
    upload(model, "run-7", artifact(model, runId, "x"))
        .then()
        .statusCode(400)
        .body("detail", containsString("'run-7'"));
    upload("default", runId, artifact(model, runId, "x")).then().statusCode(409);
    given().get("/api/v1/models/{m}/versions", model).then().body("$", hasSize(0));
  }

  @Test
  void missingVersionsAreNotFound() {
    String model = newDataset();
    given()
        .get("/api/v1/models/{m}/serving", model)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given().get("/api/v1/models/{m}/versions/3", model).then().statusCode(404);
    withKey()
        .contentType("application/json")
        .body("{\"version\":3}")
        .put("/api/v1/models/{m}/pin", model)
        .then()
        .statusCode(404);
  }
}

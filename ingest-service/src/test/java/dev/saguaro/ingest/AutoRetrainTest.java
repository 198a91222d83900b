package dev.saguaro.ingest;

import static dev.saguaro.ingest.ImageApiTest.newDataset;
import static dev.saguaro.ingest.ImageApiTest.withKey;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.saguaro.testing.KafkaTestResource;
import dev.saguaro.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(AutoRetrainTest.AutoRetrainProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class AutoRetrainTest {

  /** Automatic runs after 6 newly labeled images, at most one per hour, checked every second. */
  public static class AutoRetrainProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "saguaro.ingest.auto-retrain.enabled", "true",
          "saguaro.ingest.auto-retrain.min-new-images", "6",
          "saguaro.ingest.auto-retrain.min-interval", "1h",
          "saguaro.ingest.auto-retrain.check-interval", "1s");
    }
  }

  @Test
  void enoughNewImagesTriggerOneAutomaticRun() {
    String dataset = newDataset();
    DatasetSnapshotApiTest.seedImages(dataset, 5, "cat");
    // Five images of one class: below the threshold, and a single class is not trainable.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                given()
                    .queryParam("modelName", dataset)
                    .get("/api/v1/runs")
                    .then()
                    .body("$", hasSize(0)));

    DatasetSnapshotApiTest.seedImages(dataset, 3, "dog");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .queryParam("modelName", dataset)
                    .get("/api/v1/runs")
                    .then()
                    .body("$", hasSize(1))
                    .body("[0].trigger", equalTo("AUTOMATIC"))
                    .body("[0].requestedBy", equalTo("auto-retrain")));
    String runId = given().queryParam("modelName", dataset).get("/api/v1/runs").path("[0].id");
    given().get("/api/v1/runs/{id}", runId).then().body("state", equalTo("QUEUED"));

    // Within the minimum interval, more images start no second run, even after a cancel.
    withKey().post("/api/v1/runs/{id}/cancel", runId).then().statusCode(200);
    DatasetSnapshotApiTest.seedImages(dataset, 4, "bird");
    DatasetSnapshotApiTest.seedImages(dataset, 4, "fish");
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(
            () ->
                given()
                    .queryParam("modelName", dataset)
                    .get("/api/v1/runs")
                    .then()
                    .body("$", hasSize(1)));
  }
}

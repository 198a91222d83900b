package dev.saguaro.inference;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.ArtifactServer;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TestImages;
import dev.saguaro.inference.support.TinyModels;
import dev.saguaro.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Readiness and predictions before and after the default model's first version serves. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@Order(1)
class StartupReadinessTest {

  @Test
  void notReadyUntilDefaultModelServes() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("checks.find { it.name == 'model-serving' }.status", equalTo("DOWN"))
        .body("checks.find { it.name == 'model-serving' }.data.reason", notNullValue());
    given().get("/q/health/live").then().statusCode(200);

    given()
        .contentType("image/png")
        .body(TestImages.png(20, 1))
        .post("/api/v1/predictions")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .header("Retry-After", "5")
        .body("status", equalTo(503))
        .body("type", equalTo("urn:saguaro:problem:model-not-loaded"))
        .body("detail", containsString("default"));

    try (ArtifactServer server = new ArtifactServer();
        Announcer announcer = new Announcer(ServiceClient.bootstrapServers())) {
      byte[] artifact = TinyModels.artifact("default", 1);
      announcer.announceNewVersion(
          "default", 1, server.publish("/default/1.zip", artifact), artifact);

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    given()
        .get("/q/health/ready")
        .then()
        .body("checks.find { it.name == 'model-serving' }.data.servingVersion", equalTo(1));
    given()
        .contentType("image/png")
        .body(TestImages.png(20, 1))
        .post("/api/v1/predictions")
        .then()
        .statusCode(200)
        .body("model", equalTo("default"))
        .body("predictions[0].modelVersion", equalTo(1));
  }
}

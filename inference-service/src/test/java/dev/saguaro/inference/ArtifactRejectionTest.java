package dev.saguaro.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.ArtifactServer;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TestImages;
import dev.saguaro.inference.support.TinyModels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Broken artifacts are rejected and the serving version stays. */
@QuarkusTest
@Order(4)
class ArtifactRejectionTest {

  private ArtifactServer server;
  private Announcer announcer;

  @BeforeEach
  void start() {
    server = new ArtifactServer();
    announcer = new Announcer(ServiceClient.bootstrapServers());
  }

  @AfterEach
  void stop() {
    announcer.close();
    server.close();
  }

  @Test
  void badChecksumKeepsOldVersionServing() {
    String model = "checksum";
    serveFirstVersion(model);
    byte[] second = TinyModels.artifact(model, 2);

    announcer.announceNewVersion(
        model, 2, server.publish("/checksum/2.zip", second), "ab".repeat(32), second.length);

    JsonPath version = awaitFailed(model, 2);
    assertThat(version.getString("failedStep")).isEqualTo("verify-checksum");
    assertThat(version.getString("failureReason")).contains("SHA-256 mismatch");
    assertStillServesFirstVersion(model);
    assertThat(failureCount(model, "verify-checksum")).isEqualTo(1.0);
  }

  @Test
  void truncatedArtifactKeepsOldVersionServing() {
    String model = "truncated";
    serveFirstVersion(model);
    byte[] second = TinyModels.artifact(model, 2);
    byte[] truncated = Arrays.copyOf(second, second.length * 2 / 3);

    // The announcement matches the truncated bytes, as if the artifact was cut before it was
    // hashed.
    announcer.announceNewVersion(
        model, 2, server.publish("/truncated/2.zip", truncated), truncated);

    JsonPath version = awaitFailed(model, 2);
    assertThat(version.getString("failedStep")).isEqualTo("unpack");
    assertThat(version.getString("failureReason")).contains("not a valid zip");
    assertStillServesFirstVersion(model);
    assertThat(failureCount(model, "unpack")).isEqualTo(1.0);

    // A good version after the failure is served as usual.
    byte[] third = TinyModels.artifact(model, 3);
    announcer.announceNewVersion(model, 3, server.publish("/truncated/3.zip", third), third);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Long.valueOf(3).equals(ServiceClient.servingVersion(model)));
  }

  @Test
  void unreachableArtifactKeepsOldVersionServing() {
    String model = "unreachable";
    serveFirstVersion(model);
    byte[] second = TinyModels.artifact(model, 2);

    announcer.announceNewVersion(
        model,
        2,
        server.publish("/unreachable/2.zip", second).replace("2.zip", "gone.zip"),
        second);

    JsonPath version = awaitFailed(model, 2);
    assertThat(version.getString("failedStep")).isEqualTo("download");
    assertThat(version.getString("failureReason")).contains("HTTP 404");
    assertStillServesFirstVersion(model);
  }

  private void serveFirstVersion(String model) {
    byte[] first = TinyModels.artifact(model, 1);
    announcer.announceNewVersion(model, 1, server.publish("/" + model + "/1.zip", first), first);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Long.valueOf(1).equals(ServiceClient.servingVersion(model)));
  }

  private static JsonPath awaitFailed(String model, long version) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "FAILED".equals(ServiceClient.versionState(model, version)));
    return new JsonPath(ServiceClient.modelStatus(model).prettify())
        .setRootPath("versions.find { it.version == " + version + " }");
  }

  private static void assertStillServesFirstVersion(String model) {
    assertThat(ServiceClient.servingVersion(model)).isEqualTo(1L);
    assertThat(ServiceClient.versionState(model, 1)).isEqualTo("SERVING");
    given()
        .contentType("image/png")
        .body(TestImages.png(20, 1))
        .post("/api/v1/models/" + model + "/predictions")
        .then()
        .statusCode(200)
        .body("predictions[0].modelVersion", equalTo(1));
  }

  private static double failureCount(String model, String step) {
    return ServiceClient.metric(
        "saguaro_inference_model_load_failures_total{model=\""
            + model
            + "\",step=\""
            + step
            + "\"}");
  }
}

package dev.saguaro.inference;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.isOneOf;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.ArtifactServer;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TestImages;
import dev.saguaro.inference.support.TinyModels;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The three body forms of the prediction endpoint and its problem documents. */
@QuarkusTest
@Order(2)
class PredictionApiTest {

  private static final String MODEL = "api";
  private static final String PATH = "/api/v1/models/" + MODEL + "/predictions";

  private static ArtifactServer server;

  @BeforeEach
  void serveVersionTwoOnce() {
    if (server != null) {
      return;
    }
    server = new ArtifactServer();
    try (Announcer announcer = new Announcer(ServiceClient.bootstrapServers())) {
      byte[] artifact = TinyModels.artifact(MODEL, 2);
      announcer.announceNewVersion(MODEL, 2, server.publish("/api/2.zip", artifact), artifact);
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Long.valueOf(2).equals(ServiceClient.servingVersion(MODEL)));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void rawPngReturnsEveryClassProbability() {
    given()
        .contentType("image/png")
        .body(TestImages.png(30, 1))
        .post(PATH)
        .then()
        .statusCode(200)
        .body("model", equalTo(MODEL))
        .body("predictions", hasSize(1))
        .body("predictions[0].modelVersion", equalTo(2))
        .body("predictions[0].predictedClass", isOneOf("alpha", "beta", "gamma"))
        .body("predictions[0].probabilities", aMapWithSize(3))
        .body("predictions[0].probabilities.beta", notNullValue())
        .body("predictions[0].durationMs", greaterThan(0f))
        .body("predictions[0].timing.batchSize", greaterThan(0));
  }

  @Test
  void rawJpegIsClassified() {
    given()
        .contentType("image/jpeg")
        .body(TestImages.jpeg(50, 2))
        .post(PATH)
        .then()
        .statusCode(200)
        .body("predictions[0].modelVersion", equalTo(2));
  }

  @Test
  void multipartWithSeveralImagesAnswersEach() {
    given()
        .multiPart("image", "first.png", TestImages.png(20, 3), "image/png")
        .multiPart("image", "second.jpg", TestImages.jpeg(20, 4), "image/jpeg")
        .multiPart("other", "third.png", TestImages.png(24, 5), "image/png")
        .post(PATH)
        .then()
        .statusCode(200)
        .body("predictions", hasSize(3))
        .body(
            "predictions.name",
            org.hamcrest.Matchers.contains("first.png", "second.jpg", "third.png"))
        .body("predictions.modelVersion", org.hamcrest.Matchers.everyItem(equalTo(2)));
  }

  @Test
  void jsonWithBase64ImagesAnswersEach() {
    String first = Base64.getEncoder().encodeToString(TestImages.png(20, 6));
    String second = Base64.getEncoder().encodeToString(TestImages.jpeg(20, 7));
    given()
        .contentType("application/json")
        .body(
            "{\"images\": [{\"name\": \"a\", \"data\": \""
                + first
                + "\"}, {\"name\": \"b\", \"data\": \""
                + second
                + "\"}]}")
        .post(PATH)
        .then()
        .statusCode(200)
        .body("predictions", hasSize(2))
        .body("predictions[1].name", equalTo("b"))
        .body("predictions[1].index", equalTo(1));
  }

  @Test
  void getOnPredictionsIs405WithFix() {
    given()
        .get(PATH)
        .then()
        .statusCode(405)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:saguaro:problem:method-not-allowed"))
        .body("detail", containsString("GET is not allowed at"))
        .body("detail", containsString("POST"))
        .body("detail", not(containsString("[]")));
  }

  @Test
  void unsupportedMediaTypeIs415() {
    given()
        .contentType("text/plain")
        .body("hello")
        .post(PATH)
        .then()
        .statusCode(415)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:saguaro:problem:unsupported-media-type"))
        .body("detail", containsString("image/jpeg"));
  }

  @Test
  void multipartPartOfWrongTypeIs415() {
    given()
        .multiPart("image", "notes.txt", "hello".getBytes(), "text/plain")
        .post(PATH)
        .then()
        .statusCode(415)
        .body("detail", containsString("text/plain"));
  }

  @Test
  void imageAboveLimitIs413() {
    byte[] huge = Arrays.copyOf(TestImages.png(20, 9), 9 * 1024 * 1024);
    given()
        .contentType("image/png")
        .body(huge)
        .post(PATH)
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("limitBytes", equalTo(8388608))
        .body("detail", containsString("saguaro.inference.limits.max-image-bytes"));
  }

  @Test
  void tooManyImagesIs413() {
    StringBuilder json = new StringBuilder("{\"images\": [");
    String image = Base64.getEncoder().encodeToString(TestImages.png(8, 10));
    for (int i = 0; i < 33; i++) {
      json.append(i == 0 ? "" : ",").append("{\"data\": \"").append(image).append("\"}");
    }
    json.append("]}");
    given()
        .contentType("application/json")
        .body(json.toString())
        .post(PATH)
        .then()
        .statusCode(413)
        .body("type", equalTo("urn:saguaro:problem:too-many-images"));
  }

  @Test
  void corruptPngIs422() {
    byte[] truncated = Arrays.copyOf(TestImages.png(40, 11), 70);
    given()
        .contentType("image/png")
        .body(truncated)
        .post(PATH)
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:saguaro:problem:undecodable-image"))
        .body("imageIndex", equalTo(0))
        .body("detail", containsString("cannot be decoded"));
  }

  @Test
  void bytesOfAnotherFormatAre422() {
    given()
        .contentType("image/jpeg")
        .body("GIF89a not really".getBytes())
        .post(PATH)
        .then()
        .statusCode(422)
        .body("detail", containsString("neither JPEG nor PNG"));
  }

  @Test
  void invalidBase64Is400() {
    given()
        .contentType("application/json")
        .body("{\"images\": [{\"data\": \"***\"}]}")
        .post(PATH)
        .then()
        .statusCode(400)
        .body("detail", containsString("images[0].data is not valid base64"));
  }

  @Test
  void malformedJsonIs400() {
    given()
        .contentType("application/json")
        .body("{\"images\": [")
        .post(PATH)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:saguaro:problem:invalid-json"));
  }

  @Test
  void unknownModelIs404() {
    given()
        .contentType("image/png")
        .body(TestImages.png(20, 12))
        .post("/api/v1/models/never-announced/predictions")
        .then()
        .statusCode(404)
        .body("type", equalTo("urn:saguaro:problem:model-not-found"))
        .body("model", equalTo("never-announced"));
    given().get("/api/v1/models/never-announced").then().statusCode(404);
  }

  @Test
  void statusListsServingVersion() {
    given()
        .get("/api/v1/models")
        .then()
        .statusCode(200)
        .body("find { it.model == 'api' }.servingVersion", equalTo(2))
        .body("find { it.model == 'api' }.versions[0].state", equalTo("SERVING"))
        .body(
            "find { it.model == 'api' }.versions[0].transitions.state",
            org.hamcrest.Matchers.contains("LOADING", "READY", "SERVING"));
  }

  @Test
  void metricsExposeRequestsAndBatches() {
    given().contentType("image/png").body(TestImages.png(20, 13)).post(PATH).then().statusCode(200);
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    org.assertj.core.api.Assertions.assertThat(metrics)
        .contains(
            "saguaro_inference_request_duration_seconds_bucket{model=\"api\",outcome=\"success\"")
        .contains("saguaro_inference_batch_size")
        .contains("saguaro_inference_model_serving_version{model=\"api\"} 2.0")
        .contains(
            "saguaro_inference_model_load_duration_seconds_count{model=\"api\",outcome=\"ready\"}");
  }
}

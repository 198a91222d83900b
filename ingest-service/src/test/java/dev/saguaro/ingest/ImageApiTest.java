package dev.saguaro.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.saguaro.testing.KafkaTestResource;
import dev.saguaro.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ImageApiTest {

  static final String KEY = "local-dev-key";

  static RequestSpecification withKey() {
    return given().header("X-API-Key", KEY);
  }

  static String newDataset() {
    return "images-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static long imageCount(String dataset) {
    Response response = given().get("/api/v1/datasets/{d}/images", dataset);
    if (response.statusCode() == 404) {
      return 0;
    }
    return response.jsonPath().getLong("totalItems");
  }

  @Test
  void multipartUploadStoresImage() {
    String dataset = newDataset();
    byte[] jpeg = TestImages.jpeg(1, 32);

    String id =
        withKey()
            .multiPart("file", "cat1.jpg", jpeg, "image/jpeg")
            .multiPart("label", "cat")
            .post("/api/v1/datasets/{d}/images", dataset)
            .then()
            .statusCode(201)
            .header("Location", containsString("/api/v1/images/"))
            .body("label", equalTo("cat"))
            .body("format", equalTo("jpeg"))
            .body("width", equalTo(32))
            .body("height", equalTo(32))
            .body("sizeBytes", equalTo(jpeg.length))
            .body("sha256", equalTo(sha256(jpeg)))
            .body("duplicate", equalTo(false))
            .extract()
            .path("id");

    byte[] content =
        given()
            .get("/api/v1/images/{id}/content", id)
            .then()
            .statusCode(200)
            .contentType("image/jpeg")
            .extract()
            .asByteArray();
    assertThat(content).isEqualTo(jpeg);
    given().get("/api/v1/images/{id}", id).then().statusCode(200).body("dataset", equalTo(dataset));
  }

  @Test
  void rawUploadWithLabelParameterStoresPng() {
    String dataset = newDataset();
    byte[] png = TestImages.png(2, 20);

    withKey()
        .contentType("image/png")
        .body(png)
        .queryParam("label", "dog")
        .post("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(201)
        .body("format", equalTo("png"))
        .body("label", equalTo("dog"))
        .body("width", equalTo(20));
  }

  @Test
  void identicalBytesAreStoredOnce() {
    String dataset = newDataset();
    byte[] jpeg = TestImages.jpeg(3, 32);
    String first = upload(dataset, "cat", jpeg).then().statusCode(201).extract().path("id");

    upload(dataset, "dog", jpeg)
        .then()
        .statusCode(200)
        .body("id", equalTo(first))
        .body("duplicate", equalTo(true))
        .body("label", equalTo("cat"));

    assertThat(imageCount(dataset)).isEqualTo(1);
  }

  @Test
  void listFiltersByLabelAndTimeAndPaginates() {
    String dataset = newDataset();
    for (int i = 0; i < 5; i++) {
      upload(dataset, i < 3 ? "cat" : "dog", TestImages.jpeg(100 + i, 16)).then().statusCode(201);
    }
    Instant afterFirstFive = Instant.now();
    upload(dataset, "cat", TestImages.jpeg(200, 16)).then().statusCode(201);

    given()
        .queryParam("label", "cat")
        .get("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(200)
        .body("totalItems", equalTo(4))
        .body("items", hasSize(4));
    given()
        .queryParam("size", 2)
        .queryParam("page", 2)
        .get("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(200)
        .body("items", hasSize(2))
        .body("totalPages", equalTo(3))
        .body("totalItems", equalTo(6));
    given()
        .queryParam("uploadedFrom", afterFirstFive.toString())
        .get("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(200)
        .body("totalItems", equalTo(1));
    given()
        .queryParam("uploadedTo", afterFirstFive.toString())
        .get("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(200)
        .body("totalItems", equalTo(5));
  }

  @Test
  void badListParametersAreRejected() {
    given()
        .queryParam("uploadedFrom", "yesterday")
        .get("/api/v1/datasets/default/images")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("'yesterday'"));
    given()
        .queryParam("size", 10000)
        .get("/api/v1/datasets/default/images")
        .then()
        .statusCode(400)
        .body("detail", containsString("size 10000"));
  }

  @Test
  void relabelChangesLabel() {
    String dataset = newDataset();
    String id =
        upload(dataset, "cat", TestImages.jpeg(4, 16)).then().statusCode(201).extract().path("id");

    withKey()
        .contentType("application/json")
        .body("{\"label\":\"dog\"}")
        .put("/api/v1/images/{id}/label", id)
        .then()
        .statusCode(200)
        .body("label", equalTo("dog"));
    given().get("/api/v1/images/{id}", id).then().body("label", equalTo("dog"));

    withKey()
        .contentType("application/json")
        .body("{\"label\":\"\"}")
        .put("/api/v1/images/{id}/label", id)
        .then()
        .statusCode(400)
        .body("type", equalTo("urn:saguaro:problem:missing-label"));
    given().get("/api/v1/images/{id}", id).then().body("label", equalTo("dog"));
  }

  @Test
  void deleteRemovesImage() {
    String dataset = newDataset();
    String id =
        upload(dataset, "cat", TestImages.jpeg(5, 16)).then().statusCode(201).extract().path("id");

    withKey().delete("/api/v1/images/{id}", id).then().statusCode(204);

    given()
        .get("/api/v1/images/{id}", id)
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", containsString(id));
    withKey().delete("/api/v1/images/{id}", id).then().statusCode(404);
  }

  @Test
  void writesWithoutApiKeyAreUnauthorized() {
    String dataset = newDataset();
    given()
        .multiPart("file", "a.jpg", TestImages.jpeg(6, 16), "image/jpeg")
        .multiPart("label", "cat")
        .post("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", containsString("X-API-Key"))
        .body("detail", containsString("X-API-Key"));
    given()
        .header("X-API-Key", "wrong")
        .contentType("image/jpeg")
        .body(TestImages.jpeg(6, 16))
        .queryParam("label", "cat")
        .post("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(401)
        .body("detail", containsString("not configured"));
    given().delete("/api/v1/images/{id}", UUID.randomUUID()).then().statusCode(401);

    assertThat(imageCount(dataset)).isZero();
  }

  @Test
  void emptyFileIsRejected() {
    expectRejected(new byte[0], "image/jpeg", "cat", 400, "empty-file", "empty");
  }

  @Test
  void truncatedJpegIsRejected() {
    expectRejected(
        TestImages.truncatedJpeg(7), "image/jpeg", "cat", 400, "truncated-image", "truncated");
  }

  @Test
  void bytesThatAreNotAnImageAreRejected() {
    expectRejected(
        "hello, world".getBytes(),
        "application/octet-stream",
        "cat",
        400,
        "not-an-image",
        "JPEG and PNG");
  }

  @Test
  void gifIsRejectedNamingAcceptedFormats() {
    expectRejected(
        TestImages.gif(8),
        "application/octet-stream",
        "cat",
        415,
        "unsupported-image-format",
        "accepted formats are JPEG and PNG");
  }

  @Test
  void decompressionBombIsRejectedFromHeader() {
    expectRejected(
        TestImages.pngDeclaring(20000, 20000),
        "image/png",
        "cat",
        413,
        "too-many-pixels",
        "20000x20000");
  }

  @Test
  void oversizedUploadIsRejected() {
    byte[] big = Arrays.copyOf(TestImages.jpeg(9, 16), 300_000);
    expectRejected(big, "image/jpeg", "cat", 413, "image-too-large", "262144");
  }

  @Test
  void oversizedMultipartUploadIsRejected() {
    String dataset = newDataset();
    byte[] big = Arrays.copyOf(TestImages.jpeg(9, 16), 300_000);
    withKey()
        .multiPart("file", "big.jpg", big, "image/jpeg")
        .multiPart("label", "cat")
        .post("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(413)
        .body("detail", containsString("max-image-bytes"));
    assertThat(imageCount(dataset)).isZero();
  }

  @Test
  void wrongContentTypeIsRejected() {
    expectRejected(
        TestImages.jpeg(10, 16),
        "text/plain",
        "cat",
        415,
        "unsupported-media-type",
        "multipart/form-data");
  }

  @Test
  void missingLabelIsRejected() {
    expectRejected(
        TestImages.jpeg(11, 16), "image/jpeg", null, 400, "missing-label", "label is missing");
  }

  @Test
  void malformedLabelIsRejected() {
    expectRejected(TestImages.jpeg(12, 16), "image/jpeg", "a,b", 400, "invalid-label", "'a,b'");
  }

  @Test
  void unknownLabelOfDeclaredClassesIsRejected() {
    String dataset = newDataset();
    withKey()
        .contentType("application/json")
        .body("{\"name\":\"" + dataset + "\",\"classes\":[\"cat\",\"dog\"]}")
        .post("/api/v1/datasets")
        .then()
        .statusCode(201);

    withKey()
        .contentType("image/jpeg")
        .body(TestImages.jpeg(13, 16))
        .queryParam("label", "bird")
        .post("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(400)
        .body("type", equalTo("urn:saguaro:problem:unknown-label"))
        .body("detail", containsString("'bird'"))
        .body("detail", containsString("[cat, dog]"));

    assertThat(imageCount(dataset)).isZero();
  }

  @Test
  void unknownImageIsNotFound() {
    given()
        .get("/api/v1/images/{id}", UUID.randomUUID())
        .then()
        .statusCode(404)
        .body("title", notNullValue());
  }

  private static Response upload(String dataset, String label, byte[] content) {
    return withKey()
        .contentType("image/jpeg")
        .body(content)
        .queryParam("label", label)
        .post("/api/v1/datasets/{d}/images", dataset);
  }

  private static void expectRejected(
      byte[] content, String contentType, String label, int status, String slug, String detail) {
    String dataset = newDataset();
    RequestSpecification request = withKey().contentType(contentType).body(content);
    if (label != null) {
      request.queryParam("label", label);
    }
    request
        .post("/api/v1/datasets/{d}/images", dataset)
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:saguaro:problem:" + slug))
        .body("status", equalTo(status))
        .body("detail", containsString(detail));
    assertThat(imageCount(dataset)).isZero();
  }

  static String sha256(byte[] content) {
    return dev.saguaro.ingest.storage.Sha256.hex(content);
  }
}

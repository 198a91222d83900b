package dev.saguaro.ingest;

import static dev.saguaro.ingest.ImageApiTest.imageCount;
import static dev.saguaro.ingest.ImageApiTest.newDataset;
import static dev.saguaro.ingest.ImageApiTest.withKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.saguaro.testing.KafkaTestResource;
import dev.saguaro.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ImportApiTest {

  @Test
  void kaggleArchiveImportsWithReport() {
    String dataset = newDataset();
    StringBuilder csv = new StringBuilder("id,has_cactus\n");
    TestImages.Zip zip = new TestImages.Zip();
    for (int i = 0; i < 120; i++) {
      String id = "img" + i + ".jpg";
      csv.append(id).append(',').append(i % 2).append('\n');
      zip.add("train/" + id, TestImages.jpeg(1000 + i, 32));
    }
    // One copy of an image under another id, and one corrupt image.
    csv.append("copy.jpg,1\n").append("broken.jpg,0\n");
    zip.add("train/copy.jpg", TestImages.jpeg(1000, 32));
    zip.add("train/broken.jpg", TestImages.truncatedJpeg(5));
    zip.add("train.csv", csv.toString());

    String statusUrl =
        withKey()
            .contentType("application/zip")
            .body(zip.build())
            .post("/api/v1/datasets/{d}/imports", dataset)
            .then()
            .statusCode(202)
            .body("layout", equalTo("kaggle-csv"))
            .body("totalFiles", equalTo(122))
            .extract()
            .path("statusUrl");

    JsonPath report = awaitFinished(statusUrl);
    assertThat(report.getString("state")).isEqualTo("COMPLETED");
    assertThat(report.getInt("accepted")).isEqualTo(120);
    assertThat(report.getInt("duplicates")).isEqualTo(1);
    assertThat(report.getInt("rejected")).isEqualTo(1);
    assertThat(report.getInt("processedFiles")).isEqualTo(122);
    assertThat(report.getString("rejections[0].file")).isEqualTo("train/broken.jpg");
    assertThat(report.getString("rejections[0].reason")).contains("truncated");
    assertThat(imageCount(dataset)).isEqualTo(120);
    given()
        .queryParam("label", "1")
        .get("/api/v1/datasets/{d}/images", dataset)
        .then()
        .body("totalItems", equalTo(60));
  }

  @Test
  void classFolderArchiveImportsAsMultipart() {
    String dataset = newDataset();
    TestImages.Zip zip = new TestImages.Zip();
    for (int i = 0; i < 6; i++) {
      zip.add("pets/cats/c" + i + ".jpg", TestImages.jpeg(2000 + i, 24));
      zip.add("pets/dogs/d" + i + ".png", TestImages.png(3000 + i, 24));
    }
    zip.add("__MACOSX/pets/._c0.jpg", "clutter").add("pets/.DS_Store", "clutter");

    String statusUrl =
        withKey()
            .multiPart("archive", "pets.zip", zip.build(), "application/zip")
            .post("/api/v1/datasets/{d}/imports", dataset)
            .then()
            .statusCode(202)
            .body("layout", equalTo("class-folders"))
            .extract()
            .path("statusUrl");

    JsonPath report = awaitFinished(statusUrl);
    assertThat(report.getInt("accepted")).isEqualTo(12);
    assertThat(report.getInt("rejected")).isZero();
    given()
        .get("/api/v1/datasets/{d}", dataset)
        .then()
        .statusCode(200)
        .body("classCounts.cats", equalTo(6))
        .body("classCounts.dogs", equalTo(6));
  }

  @Test
  void csvWithByteOrderMarkIsRejected() {
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    String body = "id,label\na.jpg,cat\n";
    byte[] csv = new byte[bom.length + body.length()];
    System.arraycopy(bom, 0, csv, 0, 3);
    System.arraycopy(body.getBytes(StandardCharsets.UTF_8), 0, csv, 3, body.length());
    expectRejected(
        new TestImages.Zip().add("train.csv", csv).add("a.jpg", TestImages.jpeg(1, 16)),
        Map.of(),
        400,
        "csv-byte-order-mark",
        "without BOM");
  }

  @Test
  void csvWithoutNamedColumnIsRejected() {
    expectRejected(
        new TestImages.Zip()
            .add("train.csv", "name,label\na.jpg,cat\n")
            .add("a.jpg", TestImages.jpeg(1, 16)),
        Map.of(),
        400,
        "csv-missing-column",
        "no id column 'id'");
    expectRejected(
        new TestImages.Zip()
            .add("train.csv", "id,label,extra\na.jpg,cat,x\n")
            .add("a.jpg", TestImages.jpeg(1, 16)),
        Map.of("labelColumn", "has_cactus"),
        400,
        "csv-missing-column",
        "'has_cactus'");
  }

  @Test
  void csvWithNamedLabelColumnAmongOthersImports() {
    String dataset = newDataset();
    byte[] zip =
        new TestImages.Zip()
            .add("train.csv", "id,source,species\na.jpg,web,cat\nb.jpg,web,dog\n")
            .add("img/a.jpg", TestImages.jpeg(40, 16))
            .add("img/b.jpg", TestImages.jpeg(41, 16))
            .build();
    String statusUrl =
        withKey()
            .contentType("application/zip")
            .queryParam("labelColumn", "species")
            .body(zip)
            .post("/api/v1/datasets/{d}/imports", dataset)
            .then()
            .statusCode(202)
            .extract()
            .path("statusUrl");
    assertThat(awaitFinished(statusUrl).getInt("accepted")).isEqualTo(2);
  }

  @Test
  void csvWithDuplicateIdsIsRejected() {
    expectRejected(
        new TestImages.Zip()
            .add("train.csv", "id,label\na.jpg,cat\na.jpg,dog\n")
            .add("a.jpg", TestImages.jpeg(1, 16)),
        Map.of(),
        400,
        "csv-duplicate-id",
        "lines 2 and 3");
  }

  @Test
  void csvRowWithUnclosedQuoteIsRejected() {
    expectRejected(
        new TestImages.Zip()
            .add("train.csv", "id,label\na.jpg,cat\nb.jpg,\"dog\n")
            .add("a.jpg", TestImages.jpeg(1, 16))
            .add("b.jpg", TestImages.jpeg(2, 16)),
        Map.of(),
        400,
        "csv-malformed-row",
        "Line 3 of train.csv is not valid CSV");
  }

  @Test
  void csvRowWithoutLabelIsRejected() {
    expectRejected(
        new TestImages.Zip()
            .add("train.csv", "id,label\na.jpg,\n")
            .add("a.jpg", TestImages.jpeg(1, 16)),
        Map.of(),
        400,
        "missing-label",
        "line 2");
  }

  @Test
  void csvIdWithoutFileIsRejected() {
    expectRejected(
        new TestImages.Zip()
            .add("train.csv", "id,label\na.jpg,cat\nghost.jpg,dog\n")
            .add("a.jpg", TestImages.jpeg(1, 16)),
        Map.of(),
        400,
        "ids-without-file",
        "ghost.jpg");
  }

  @Test
  void fileWithoutCsvRowIsRejected() {
    expectRejected(
        new TestImages.Zip()
            .add("train.csv", "id,label\na.jpg,cat\n")
            .add("a.jpg", TestImages.jpeg(1, 16))
            .add("stray.jpg", TestImages.jpeg(2, 16)),
        Map.of(),
        400,
        "files-without-row",
        "stray.jpg");
  }

  @Test
  void entryWithParentSegmentIsRejected() {
    expectRejected(
        new TestImages.Zip().add("cats/../../evil.jpg", TestImages.jpeg(1, 16)),
        Map.of(),
        400,
        "unsafe-entry-name",
        "'cats/../../evil.jpg'");
  }

  @Test
  void entryWithAbsolutePathIsRejected() {
    expectRejected(
        new TestImages.Zip().add("/tmp/cats/evil.jpg", TestImages.jpeg(1, 16)),
        Map.of(),
        400,
        "unsafe-entry-name",
        "absolute path");
  }

  @Test
  void archiveWithTooManyEntriesIsRejected() {
    TestImages.Zip zip = new TestImages.Zip();
    byte[] image = TestImages.jpeg(1, 8);
    for (int i = 0; i < 501; i++) {
      zip.add("cats/" + i + ".jpg", image);
    }
    expectRejected(zip, Map.of(), 413, "too-many-entries", "max-entries");
  }

  @Test
  void archiveThatInflatesPastLimitIsRejected() {
    // 30 MB of zeros compress to about 30 KB; the limit in tests is 20 MB.
    expectRejected(
        new TestImages.Zip().add("cats/bomb.jpg", new byte[30_000_000]),
        Map.of(),
        413,
        "archive-too-large-uncompressed",
        "max-uncompressed-bytes");
  }

  @Test
  void bodyThatIsNotZipIsRejected() {
    String dataset = newDataset();
    withKey()
        .contentType("application/zip")
        .body("not a zip".getBytes())
        .post("/api/v1/datasets/{d}/imports", dataset)
        .then()
        .statusCode(400)
        .body("type", equalTo("urn:saguaro:problem:not-a-zip"));
    given().get("/api/v1/datasets/{d}", dataset).then().statusCode(404);
  }

  @Test
  void wrongContentTypeIsRejected() {
    withKey()
        .contentType("text/csv")
        .body("id,label\n")
        .post("/api/v1/datasets/{d}/imports", newDataset())
        .then()
        .statusCode(415)
        .body("detail", containsString("application/zip"));
  }

  @Test
  void unknownImportIsNotFound() {
    given()
        .get("/api/v1/imports/{id}", java.util.UUID.randomUUID())
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  private static void expectRejected(
      TestImages.Zip zip, Map<String, String> query, int status, String slug, String detail) {
    String dataset = newDataset();
    withKey()
        .contentType("application/zip")
        .queryParams(query)
        .body(zip.build())
        .post("/api/v1/datasets/{d}/imports", dataset)
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:saguaro:problem:" + slug))
        .body("detail", containsString(detail));
    // Nothing stored: not even the dataset was created.
    given().get("/api/v1/datasets/{d}", dataset).then().statusCode(404);
    assertThat(imageCount(dataset)).isZero();
  }

  static JsonPath awaitFinished(String statusUrl) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> given().get(statusUrl).then().statusCode(200).extract().jsonPath(),
            json ->
                !json.getString("state").equals("QUEUED")
                    && !json.getString("state").equals("RUNNING"));
  }
}

package dev.saguaro.ingest;

import static dev.saguaro.ingest.ImageApiTest.newDataset;
import static dev.saguaro.ingest.ImageApiTest.withKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.SnapshotManifest;
import dev.saguaro.testing.KafkaTestResource;
import dev.saguaro.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class DatasetSnapshotApiTest {

  private static final java.util.concurrent.atomic.AtomicInteger NEXT_SEED =
      new java.util.concurrent.atomic.AtomicInteger(50_000);

  /** Uploads {@code perClass} images of each label and returns the image ids. */
  static List<String> seedImages(String dataset, int perClass, String... labels) {
    List<String> ids = new ArrayList<>();
    for (String label : labels) {
      for (int i = 0; i < perClass; i++) {
        ids.add(
            withKey()
                .contentType("image/jpeg")
                .body(TestImages.jpeg(NEXT_SEED.incrementAndGet(), 16))
                .queryParam("label", label)
                .post("/api/v1/datasets/{d}/images", dataset)
                .then()
                .statusCode(201)
                .extract()
                .path("id"));
      }
    }
    return ids;
  }

  @Test
  void datasetWithClassesIsCreatedAndListed() {
    String dataset = newDataset();
    withKey()
        .contentType("application/json")
        .body("{\"name\":\"" + dataset + "\",\"classes\":[\"dog\",\"cat\",\"bird\"]}")
        .post("/api/v1/datasets")
        .then()
        .statusCode(201)
        .body("classes", equalTo(List.of("bird", "cat", "dog")));

    given()
        .get("/api/v1/datasets")
        .then()
        .statusCode(200)
        .body("name", hasItem(dataset))
        .body("name", hasItem("default"));
    given()
        .get("/api/v1/datasets/{d}", dataset)
        .then()
        .statusCode(200)
        .body("imageCount", equalTo(0));
  }

  @Test
  void duplicateDatasetIsConflict() {
    String dataset = newDataset();
    String body = "{\"name\":\"" + dataset + "\"}";
    withKey()
        .contentType("application/json")
        .body(body)
        .post("/api/v1/datasets")
        .then()
        .statusCode(201);
    withKey()
        .contentType("application/json")
        .body(body)
        .post("/api/v1/datasets")
        .then()
        .statusCode(409)
        .body("detail", containsString(dataset));
  }

  @Test
  void invalidDatasetNameIsRejected() {
    withKey()
        .contentType("application/json")
        .body("{\"name\":\"Bad Name!\"}")
        .post("/api/v1/datasets")
        .then()
        .statusCode(400)
        .body("detail", containsString("'Bad Name!'"));
    withKey()
        .contentType("application/json")
        .body("{\"name\": 12, ")
        .post("/api/v1/datasets")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void unknownDatasetIsNotFound() {
    given()
        .get("/api/v1/datasets/{d}", "no-such-dataset")
        .then()
        .statusCode(404)
        .body("detail", containsString("POST /api/v1/datasets"));
  }

  @Test
  void snapshotRecordsCountsAndStaysUnchanged() throws IOException {
    String dataset = newDataset();
    List<String> ids = seedImages(dataset, 2, "cat", "dog");
    ids.addAll(seedImages(dataset, 1, "bird"));

    String snapshotId =
        withKey()
            .post("/api/v1/datasets/{d}/snapshots", dataset)
            .then()
            .statusCode(201)
            .body("imageCount", equalTo(5))
            .body("classNames", equalTo(List.of("bird", "cat", "dog")))
            .body("classCounts.cat", equalTo(2))
            .extract()
            .path("id");

    // Later changes to the dataset do not reach the snapshot.
    withKey()
        .contentType("application/json")
        .body("{\"label\":\"dog\"}")
        .put("/api/v1/images/{id}/label", ids.get(0))
        .then()
        .statusCode(200);
    withKey().delete("/api/v1/images/{id}", ids.get(1)).then().statusCode(204);

    given()
        .get("/api/v1/snapshots/{id}", snapshotId)
        .then()
        .statusCode(200)
        .body("classCounts.cat", equalTo(2))
        .body("imageCount", equalTo(5));
    given()
        .get("/api/v1/datasets/{d}/snapshots", dataset)
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].id", equalTo(snapshotId));

    byte[] archive =
        given()
            .get("/api/v1/snapshots/{id}/archive", snapshotId)
            .then()
            .statusCode(200)
            .contentType("application/zip")
            .extract()
            .asByteArray();
    Map<String, byte[]> entries = unzip(archive);
    List<String> names = new ArrayList<>(entries.keySet());
    assertThat(names.get(0)).isEqualTo("manifest.json");
    assertThat(names.get(1)).isEqualTo("labels.csv");
    assertThat(names).hasSize(7);

    SnapshotManifest manifest =
        ContractCodec.decode(
            new String(entries.get("manifest.json"), StandardCharsets.UTF_8),
            SnapshotManifest.class);
    assertThat(manifest.snapshotId()).isEqualTo(snapshotId);
    assertThat(manifest.imageCount()).isEqualTo(5);
    assertThat(manifest.classCounts()).containsEntry("cat", 2).containsEntry("bird", 1);

    String[] lines = new String(entries.get("labels.csv"), StandardCharsets.UTF_8).split("\n");
    assertThat(lines[0]).isEqualTo("image_id,label,file");
    assertThat(lines).hasSize(6);
    String firstImageLine =
        java.util.Arrays.stream(lines)
            .filter(l -> l.startsWith(ids.get(0)))
            .findFirst()
            .orElseThrow();
    assertThat(firstImageLine.split(",")[1]).isEqualTo("cat");
    for (int i = 1; i < lines.length; i++) {
      String file = lines[i].split(",")[2];
      byte[] image = entries.get("images/" + file);
      assertThat(image).isNotNull();
      assertThat(file).startsWith(dev.saguaro.ingest.storage.Sha256.hex(image));
    }
  }

  @Test
  void unknownSnapshotIsNotFound() {
    given().get("/api/v1/snapshots/{id}", java.util.UUID.randomUUID()).then().statusCode(404);
    given()
        .get("/api/v1/snapshots/{id}/archive", java.util.UUID.randomUUID())
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  static Map<String, byte[]> unzip(byte[] archive) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        entries.put(entry.getName(), zip.readAllBytes());
      }
    }
    return entries;
  }
}

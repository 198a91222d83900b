package dev.saguaro.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.saguaro.ingest.storage.Sha256;
import dev.saguaro.testing.KafkaTestResource;
import dev.saguaro.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Imports 17,500 generated 32x32 JPEGs in the Kaggle layout over HTTP and prints images per second
 * end to end: upload, checks, hashing, blob writes, rows and report. Beside it, it prints a floor
 * measured on the same machine, PostgreSQL COPY of the same rows plus writing the same files. A
 * smaller import runs first to warm up the JVM. Asserts only that every image was imported.
 */
@QuarkusTest
@Tag("benchmark")
@TestProfile(ImportBenchmark.BenchmarkProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ImportBenchmark {

  private static final int IMAGES = 17_500;

  /** Production limits instead of the small ones the other tests use. */
  public static class BenchmarkProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "saguaro.ingest.imports.max-entries", "1000000",
          "saguaro.ingest.imports.max-uncompressed-bytes", "17179869184",
          "saguaro.ingest.imports.chunk-size", "1000",
          "saguaro.ingest.upload.max-image-bytes", "20971520",
          "saguaro.ingest.storage.blob-directory", "target/benchmark-data/blobs",
          "saguaro.ingest.storage.spool-directory", "target/benchmark-data/spool");
    }
  }

  private record Generated(String id, String label, byte[] jpeg, String sha256) {}

  @Test
  void importKaggleArchiveOfSmallJpegs() throws Exception {
    List<Generated> images = generateImages(IMAGES, 42);
    Path archive = writeKaggleArchive(images);
    long archiveBytes = Files.size(archive);
    warmUp();

    long started = System.nanoTime();
    String statusUrl =
        given()
            .header("X-API-Key", "local-dev-key")
            .contentType("application/zip")
            .body(archive.toFile())
            .post("/api/v1/datasets/{d}/imports", "benchmark")
            .then()
            .statusCode(202)
            .extract()
            .path("statusUrl");
    JsonPath report = awaitFinished(statusUrl);
    double endToEndSeconds = (System.nanoTime() - started) / 1e9;
    double serverSeconds =
        Duration.between(
                    Instant.parse(report.getString("startedAt")),
                    Instant.parse(report.getString("finishedAt")))
                .toMillis()
            / 1000.0;

    double floorFilesSeconds = measureFileWrites(images);
    double floorCopySeconds = measureCopy(images);
    double floorSeconds = floorFilesSeconds + floorCopySeconds;

    System.out.printf(
        "%n| Ingest import benchmark: %d JPEGs of 32x32, archive %.1f MB, %d processors |%n",
        IMAGES, archiveBytes / 1e6, Runtime.getRuntime().availableProcessors());
    System.out.println("| path | seconds | images/s |");
    System.out.println("| --- | ---: | ---: |");
    printRow("end to end over HTTP (upload, import, report)", endToEndSeconds);
    printRow("import on the server (startedAt to finishedAt)", serverSeconds);
    printRow("floor: write the same files", floorFilesSeconds);
    printRow("floor: PostgreSQL COPY of the same rows", floorCopySeconds);
    printRow("floor: files plus COPY", floorSeconds);
    System.out.printf("| end to end / floor | %.2fx | |%n%n", endToEndSeconds / floorSeconds);

    assertThat(report.getString("state")).isEqualTo("COMPLETED");
    assertThat(report.getInt("accepted")).isEqualTo(IMAGES);
    assertThat(report.getInt("rejected")).isZero();
  }

  private static void printRow(String path, double seconds) {
    System.out.printf("| %s | %.2f | %.0f |%n", path, seconds, IMAGES / seconds);
  }

  /** Runs a small import first, so that the measured one runs on a warmed-up JVM. */
  private static void warmUp() throws IOException, InterruptedException {
    Path archive = writeKaggleArchive(generateImages(2_000, 7));
    String statusUrl =
        given()
            .header("X-API-Key", "local-dev-key")
            .contentType("application/zip")
            .body(archive.toFile())
            .post("/api/v1/datasets/{d}/imports", "warm-up")
            .then()
            .statusCode(202)
            .extract()
            .path("statusUrl");
    assertThat(awaitFinished(statusUrl).getString("state")).isEqualTo("COMPLETED");
  }

  private static List<Generated> generateImages(int count, long seed) throws IOException {
    Random random = new Random(seed);
    List<Generated> images = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          image.setRGB(x, y, random.nextInt(0x1000000));
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "jpeg", out);
      byte[] jpeg = out.toByteArray();
      String id =
          UUID.nameUUIDFromBytes(("image" + seed + "-" + i).getBytes()).toString().replace("-", "")
              + ".jpg";
      images.add(new Generated(id, String.valueOf(i % 2), jpeg, Sha256.hex(jpeg)));
    }
    return images;
  }

  private static Path writeKaggleArchive(List<Generated> images) throws IOException {
    Path archive = Files.createTempFile("kaggle-", ".zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
      StringBuilder csv = new StringBuilder("id,has_cactus\n");
      for (Generated image : images) {
        csv.append(image.id()).append(',').append(image.label()).append('\n');
      }
      zip.putNextEntry(new ZipEntry("train.csv"));
      zip.write(csv.toString().getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      for (Generated image : images) {
        zip.putNextEntry(new ZipEntry("train/" + image.id()));
        zip.write(image.jpeg());
        zip.closeEntry();
      }
    }
    archive.toFile().deleteOnExit();
    return archive;
  }

  private static JsonPath awaitFinished(String statusUrl) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      JsonPath status = given().get(statusUrl).then().statusCode(200).extract().jsonPath();
      String state = status.getString("state");
      if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
        return status;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("Import did not finish within 10 minutes");
  }

  private static double measureFileWrites(List<Generated> images) throws IOException {
    Path directory =
        Files.createDirectories(Path.of("target", "benchmark-data", "floor-" + UUID.randomUUID()));
    long started = System.nanoTime();
    for (Generated image : images) {
      try (OutputStream out = Files.newOutputStream(directory.resolve(image.sha256()))) {
        out.write(image.jpeg());
      }
    }
    return (System.nanoTime() - started) / 1e9;
  }

  private static double measureCopy(List<Generated> images) throws Exception {
    Config config = ConfigProvider.getConfig();
    try (Connection connection =
            DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE floor_image (LIKE labeled_image INCLUDING ALL)");
      StringBuilder rows = new StringBuilder(IMAGES * 200);
      String now = Instant.now().toString();
      for (Generated image : images) {
        rows.append(UUID.randomUUID())
            .append(",benchmark,")
            .append(image.sha256())
            .append(',')
            .append(image.label())
            .append(",jpeg,32,32,")
            .append(image.jpeg().length)
            .append(',')
            .append("train/")
            .append(image.id())
            .append(",,bench,")
            .append(now)
            .append(',')
            .append(now)
            .append('\n');
      }
      long started = System.nanoTime();
      long copied =
          connection
              .unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn(
                  "COPY floor_image (id, dataset_name, sha256, label, format, width, height, size_bytes,"
                      + " original_name, import_id, uploaded_by, uploaded_at, labeled_at)"
                      + " FROM STDIN (FORMAT csv)",
                  new StringReader(rows.toString()));
      double seconds = (System.nanoTime() - started) / 1e9;
      assertThat(copied).isEqualTo(IMAGES);
      return seconds;
    }
  }
}

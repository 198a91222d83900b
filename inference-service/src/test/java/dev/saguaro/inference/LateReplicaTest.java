package dev.saguaro.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saguaro.contracts.AnnouncementKind;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TinyModels;
import dev.saguaro.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A replica that starts after the announcements were published serves the current version from the
 * compacted topic, loads only that version, and skips the record with an unknown schema version.
 */
@QuarkusTest
@TestProfile(LateReplicaTest.AnnouncedBeforeStart.class)
@Order(100)
class LateReplicaTest {

  static final String MODEL = "late";

  @Test
  void lateReplicaServesPinnedVersionFromTopic() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));

    JsonPath status = ServiceClient.modelStatus(MODEL);
    assertThat(status.getLong("servingVersion")).isEqualTo(2);
    assertThat(status.getLong("pinnedVersion")).isEqualTo(2);
    assertThat(status.getLong("newestVersion")).isEqualTo(3);
    assertThat(status.getList("versions.version", Long.class))
        .as("only the pinned version was loaded")
        .containsExactly(2L);
    assertThat(
            ServiceClient.metric(
                "saguaro_inference_announcements_skipped_total{reason=\"schema-version\"}"))
        .isEqualTo(1.0);
  }

  /**
   * Makes {@value #MODEL} the default model and publishes its history before the service starts.
   */
  public static class AnnouncedBeforeStart implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("saguaro.inference.default-model", MODEL);
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(PublishHistory.class));
    }
  }

  /**
   * Publishes versions 1 to 3, a pin on version 2 and a record with schema version 2.0 on the
   * broker that {@link KafkaTestResource} started, with artifacts in a temporary directory.
   */
  public static class PublishHistory implements QuarkusTestResourceLifecycleManager {
    private Path directory;

    @Override
    public int order() {
      // After KafkaTestResource (order 0), whose broker this publishes to.
      return 100;
    }

    @Override
    public Map<String, String> start() {
      String bootstrap =
          System.getenv(KafkaTestResource.EXTERNAL_BOOTSTRAP_VARIABLE) != null
              ? System.getenv(KafkaTestResource.EXTERNAL_BOOTSTRAP_VARIABLE)
              : KafkaTestResource.broker().orElseThrow().bootstrapServers();
      try (Announcer announcer = new Announcer(bootstrap)) {
        directory = Files.createTempDirectory("late-replica-");
        ModelArtifact second = null;
        for (long version = 1; version <= 3; version++) {
          byte[] artifact = TinyModels.artifact(MODEL, version);
          Path file = directory.resolve(version + ".zip");
          Files.write(file, artifact);
          ModelArtifact announced =
              announcer.announceNewVersion(MODEL, version, file.toUri().toString(), artifact);
          if (version == 2) {
            second = announced;
          }
        }
        announcer.announcePin(second);
        announcer.sendRaw(
            MODEL,
            ContractCodec.encode(
                Announcer.announcement(MODEL, AnnouncementKind.NEW_VERSION, second, "2.0")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of();
    }

    @Override
    public void stop() {
      // The artifacts are small temporary files; the directory is left for the OS to clean.
    }
  }
}

package dev.saguaro.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.ArtifactServer;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TinyModels;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** A pin overrides the newest version until it is released. */
@QuarkusTest
@Order(5)
class PinTest {

  private static final String MODEL = "pinned";

  @Test
  void pinOverridesNewestUntilReleased() {
    try (ArtifactServer server = new ArtifactServer();
        Announcer announcer = new Announcer(ServiceClient.bootstrapServers())) {
      ModelArtifact first = announce(announcer, server, 1);
      announce(announcer, server, 2);
      awaitServing(2);

      announcer.announcePin(first);
      awaitServing(1);
      assertThat(ServiceClient.modelStatus(MODEL).getLong("pinnedVersion")).isEqualTo(1);

      announce(announcer, server, 3);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ServiceClient.modelStatus(MODEL).getLong("newestVersion") == 3);
      assertThat(ServiceClient.servingVersion(MODEL)).isEqualTo(1L);
      assertThat(ServiceClient.versionState(MODEL, 3)).as("version 3 is not loaded").isNull();

      announcer.announcePinReleased(MODEL);
      awaitServing(3);
      assertThat(ServiceClient.modelStatus(MODEL).getString("pinnedVersion")).isNull();
    }
  }

  private static ModelArtifact announce(Announcer announcer, ArtifactServer server, long version) {
    byte[] artifact = TinyModels.artifact(MODEL, version);
    return announcer.announceNewVersion(
        MODEL, version, server.publish("/pinned/" + version + ".zip", artifact), artifact);
  }

  private static void awaitServing(long version) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Long.valueOf(version).equals(ServiceClient.servingVersion(MODEL)));
  }
}

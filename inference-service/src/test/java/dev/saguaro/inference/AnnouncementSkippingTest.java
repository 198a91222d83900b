package dev.saguaro.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saguaro.contracts.AnnouncementKind;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.ArtifactServer;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TinyModels;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Records that cannot be applied are logged, counted and skipped; the channel goes on. */
@QuarkusTest
@Order(6)
class AnnouncementSkippingTest {

  private static final String MODEL = "skipping";

  @Test
  void unknownSchemaVersionIsLoggedAndSkipped() {
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler handler = new CapturingHandler(warnings);
    Logger logger = Logger.getLogger("dev.saguaro.inference.messaging");
    logger.addHandler(handler);
    double skippedBefore = skipped("schema-version");
    double malformedBefore = skipped("malformed");
    try (ArtifactServer server = new ArtifactServer();
        Announcer announcer = new Announcer(ServiceClient.bootstrapServers())) {
      byte[] artifact = TinyModels.artifact(MODEL, 1);
      var future =
          Announcer.announcement(
              MODEL,
              AnnouncementKind.NEW_VERSION,
              Announcer.artifact(
                  MODEL, 1, server.publish("/skipping/1.zip", artifact), "ab".repeat(32), 1),
              "2.0");
      announcer.sendRaw(MODEL, ContractCodec.encode(future));
      announcer.sendRaw(MODEL, "{not json");
      announcer.announceNewVersion(MODEL, 1, server.publish("/skipping/1.zip", artifact), artifact);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Long.valueOf(1).equals(ServiceClient.servingVersion(MODEL)));
    } finally {
      logger.removeHandler(handler);
    }

    assertThat(skipped("schema-version")).isEqualTo(skippedBefore + 1);
    assertThat(skipped("malformed")).isEqualTo(malformedBefore + 1);
    assertThat(warnings)
        .anySatisfy(
            message ->
                assertThat(message)
                    .contains("saguaro.model-versions-0@")
                    .contains("Unsupported schemaVersion '2.0'"));
    assertThat(ServiceClient.modelStatus(MODEL).getList("versions")).hasSize(1);
  }

  private static double skipped(String reason) {
    return ServiceClient.metric(
        "saguaro_inference_announcements_skipped_total{reason=\"" + reason + "\"}");
  }

  /** Keeps the formatted text of WARN records. */
  private static final class CapturingHandler extends Handler {
    private final List<String> messages;

    CapturingHandler(List<String> messages) {
      this.messages = messages;
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        messages.add(
            record.getParameters() == null
                ? record.getMessage()
                : String.format(record.getMessage(), record.getParameters()));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}

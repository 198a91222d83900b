package dev.saguaro.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContractCodecTest {

  private static TrainingRequest request(String schemaVersion) {
    return new TrainingRequest(
        schemaVersion,
        "req-1",
        "run-1",
        1,
        "cactus",
        "snap-1",
        "http://127.0.0.1:8081/api/v1/snapshots/snap-1/archive",
        TrainingHyperparameters.recipeDefaults(),
        RunTrigger.AUTOMATIC,
        "auto-retrain",
        Instant.parse("2026-12-04T10:15:30Z"));
  }

  @Test
  void trainingRequestRoundTrips() {
    TrainingRequest original = request(SchemaVersion.CURRENT);

    TrainingRequest decoded =
        ContractCodec.decode(ContractCodec.encode(original), TrainingRequest.class);

    assertThat(decoded).isEqualTo(original);
  }

  @Test
  void newerMinorVersionWithExtraFieldIsRead() {
    String json =
        ContractCodec.encode(request("1.0"))
            .replace("\"schemaVersion\":\"1.0\"", "\"schemaVersion\":\"1.7\",\"addedLater\":42");

    TrainingRequest decoded = ContractCodec.decode(json, TrainingRequest.class);

    assertThat(decoded.runId()).isEqualTo("run-1");
    assertThat(decoded.schemaVersion()).isEqualTo("1.7");
  }

  @Test
  void unknownMajorVersionIsRejected() {
    String json = ContractCodec.encode(request("2.0"));

    assertThatThrownBy(() -> ContractCodec.decode(json, TrainingRequest.class))
        .isInstanceOf(UnsupportedSchemaVersionException.class)
        .hasMessageContaining("'2.0'")
        .hasMessageContaining("major version 1");
  }

  @Test
  void missingSchemaVersionIsRejected() {
    assertThatThrownBy(() -> ContractCodec.decode("{\"runId\":\"r\"}", TrainingRequest.class))
        .isInstanceOf(UnsupportedSchemaVersionException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void textThatIsNotJsonIsMalformed() {
    assertThatThrownBy(() -> ContractCodec.decode("not json", TrainingEvent.class))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("TrainingEvent");
  }

  @Test
  void announcementKeysSeparateLatestAndPin() {
    ModelVersionAnnouncement latest =
        new ModelVersionAnnouncement(
            SchemaVersion.CURRENT,
            "cactus",
            AnnouncementKind.NEW_VERSION,
            null,
            null,
            null,
            null,
            null,
            "trainer",
            Instant.EPOCH);
    ModelVersionAnnouncement released =
        new ModelVersionAnnouncement(
            SchemaVersion.CURRENT,
            "cactus",
            AnnouncementKind.PIN_RELEASED,
            null,
            null,
            null,
            null,
            null,
            "ingest",
            Instant.EPOCH);

    assertThat(latest.key()).isEqualTo("cactus");
    assertThat(released.key()).isEqualTo("cactus#pin");
  }
}

package dev.saguaro.tools.mainjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.WeightInitialization;
import dev.saguaro.tools.fashion.LabelTask;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceSpecsTest {

  private static MainJobSettings settings(int first, int second) {
    return new MainJobSettings(
        Path.of("/repo"),
        Path.of("/state"),
        Path.of("/fashion"),
        LabelTask.HAS_FOOTWEAR,
        "fashion-test",
        first,
        second,
        100,
        new TrainingHyperparameters(
            0.35,
            48,
            32,
            null,
            null,
            null,
            3,
            1e-3,
            2,
            1e-4,
            null,
            WeightInitialization.AUTO,
            null),
        new MainJobSettings.Infrastructure(
            "127.0.0.1:19092", "jdbc:postgresql://127.0.0.1:1/db", "u", "p"),
        new MainJobSettings.ServicePorts(18081, 18082, 18083),
        "key",
        "2g",
        Duration.ofMinutes(5),
        false);
  }

  @Test
  void ingestTriggersRunPerBatch() {
    Map<String, String> env = ServiceSpecs.ingest(settings(3000, 1000)).environment();

    assertThat(env)
        .containsEntry("SAGUARO_INGEST_AUTO_RETRAIN_ENABLED", "true")
        .containsEntry("SAGUARO_INGEST_AUTO_RETRAIN_MIN_NEW_IMAGES", "980")
        .containsEntry("SAGUARO_INGEST_IMPORTS_CHUNK_SIZE", "3000")
        .containsEntry("SAGUARO_INGEST_AUTO_RETRAIN_HYPERPARAMETERS_ALPHA", "0.35")
        .containsEntry("SAGUARO_INGEST_AUTO_RETRAIN_HYPERPARAMETERS_IMAGE_SIZE", "48")
        .containsEntry("SAGUARO_INGEST_AUTO_RETRAIN_HYPERPARAMETERS_PHASE1_EPOCHS", "3")
        .containsEntry("SAGUARO_INGEST_AUTO_RETRAIN_HYPERPARAMETERS_PHASE1_LEARNING_RATE", "0.001")
        .containsEntry("SAGUARO_INGEST_AUTO_RETRAIN_HYPERPARAMETERS_INITIALIZATION", "AUTO")
        .doesNotContainKey("SAGUARO_INGEST_AUTO_RETRAIN_HYPERPARAMETERS_FINE_TUNE_AT");
  }

  @Test
  void servicesUseJobServersAndPorts() {
    MainJobSettings settings = settings(300, 200);

    Map<String, String> ingest = ServiceSpecs.ingest(settings).environment();
    Map<String, String> trainer = ServiceSpecs.trainer(settings).environment();
    Map<String, String> inference = ServiceSpecs.inference(settings).environment();

    assertThat(ingest)
        .containsEntry("QUARKUS_HTTP_PORT", "18081")
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
        .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/db")
        .containsEntry("SAGUARO_INGEST_PUBLIC_URL", "http://127.0.0.1:18081")
        .containsEntry("SAGUARO_INGEST_STORAGE_BLOB_DIRECTORY", "/state/services/ingest/blobs");
    assertThat(trainer)
        .containsEntry("QUARKUS_HTTP_PORT", "18082")
        .containsEntry("SAGUARO_TRAINER_INGEST_BASE_URL", "http://127.0.0.1:18081")
        .containsEntry("SAGUARO_TRAINER_INGEST_API_KEY", "key")
        .containsEntry("SAGUARO_TRAINER_ACTIVATION_CACHE_MEMORY_BYTES", Long.toString(1L << 30));
    assertThat(inference)
        .containsEntry("QUARKUS_HTTP_PORT", "18083")
        .containsEntry("SAGUARO_INFERENCE_DEFAULT_MODEL", "fashion-test");
    assertThat(ServiceSpecs.inference(settings).readinessPath()).isEqualTo("/q/health/live");
    assertThat(ServiceSpecs.trainer(settings).jar())
        .isEqualTo(Path.of("/repo/trainer-service/target/quarkus-app/quarkus-run.jar"));
  }

  @Test
  void triggerThresholdLeavesRoomForDuplicates() {
    assertThat(ServiceSpecs.triggerThreshold(settings(300, 200))).isEqualTo(196);
    assertThat(ServiceSpecs.triggerThreshold(settings(50_000, 10_000))).isEqualTo(9800);
  }

  @Test
  void heapSizesParse() {
    assertThat(ServiceSpecs.parseHeap("3g")).isEqualTo(3L << 30);
    assertThat(ServiceSpecs.parseHeap("1536M")).isEqualTo(1536L << 20);
    assertThat(ServiceSpecs.parseHeap("4096")).isEqualTo(4096);
    assertThatThrownBy(() -> ServiceSpecs.parseHeap("lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'lots' is invalid");
  }
}

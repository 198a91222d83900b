package dev.saguaro.trainer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.trainer.config.TrainerConfig;
import dev.saguaro.trainer.messaging.IngestEndpointsStandIn;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest client against the stand-in of the ingest service's endpoints. */
class IngestClientTest {

  private IngestEndpointsStandIn ingest;

  @TempDir Path tempDir;

  @BeforeEach
  void startStandIn() throws IOException {
    ingest = IngestEndpointsStandIn.start();
  }

  @AfterEach
  void stopStandIn() {
    ingest.close();
  }

  @Test
  void secondClaimIsRejectedWithDetail() {
    IngestClient client = new IngestClient(config(IngestEndpointsStandIn.API_KEY));

    ClaimOutcome first = client.claimAttempt("run-1", 1, "trainer-a");
    ClaimOutcome second = client.claimAttempt("run-1", 1, "trainer-b");

    assertThat(first.granted()).isTrue();
    assertThat(first.leaseSeconds()).isEqualTo(120);
    assertThat(second.granted()).isFalse();
    assertThat(second.detail()).contains("already claimed");
  }

  @Test
  void serverErrorsAreRetried() {
    IngestClient client = new IngestClient(config(IngestEndpointsStandIn.API_KEY));
    ingest.failNextRequests(2);

    ClaimOutcome outcome = client.claimAttempt("run-2", 1, "trainer-a");

    assertThat(outcome.granted()).isTrue();
    assertThat(ingest.requestCount()).isEqualTo(3);
  }

  @Test
  void persistentServerErrorsMakeIngestUnavailable() {
    IngestClient client = new IngestClient(config(IngestEndpointsStandIn.API_KEY));
    ingest.failNextRequests(10);

    assertThatThrownBy(() -> client.claimAttempt("run-3", 1, "trainer-a"))
        .isInstanceOf(IngestUnavailableException.class)
        .hasMessageContaining("claiming attempt 1 failed after 3 attempts")
        .hasMessageContaining("HTTP 503");
    assertThat(ingest.requestCount()).isEqualTo(3);
  }

  @Test
  void wrongApiKeyIsRejectedWithoutRetry() {
    IngestClient client = new IngestClient(config("wrong-key"));

    assertThatThrownBy(() -> client.claimAttempt("run-4", 1, "trainer-a"))
        .isInstanceOf(IngestRejectedException.class)
        .hasMessageContaining("HTTP 401");
    assertThat(ingest.requestCount()).isEqualTo(1);
  }

  @Test
  void uploadReturnsStoredVersionWithSameChecksum() throws IOException {
    IngestClient client = new IngestClient(config(IngestEndpointsStandIn.API_KEY));
    Path zip = artifactZip();

    ModelArtifact stored = client.uploadModelVersion("run-5", "cactus", zip);

    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.sha256()).isEqualTo(Sha256.ofFile(zip));
    assertThat(stored.classNames()).containsExactly("0", "1");
    assertThat(ingest.versionsOf("cactus").get(0).runId()).isEqualTo("run-5");
  }

  @Test
  void servedModelDownloadsWithChecksum() throws IOException {
    IngestClient client = new IngestClient(config(IngestEndpointsStandIn.API_KEY));
    assertThat(client.findServingModel("run-6", "cactus")).isEmpty();
    Path zip = artifactZip();
    client.uploadModelVersion("run-6", "cactus", zip);

    Optional<ModelArtifact> served = client.findServingModel("run-7", "cactus");
    Path downloaded = tempDir.resolve("downloaded.zip");
    String sha256 = client.downloadArtifact("run-7", served.orElseThrow(), downloaded);

    assertThat(sha256).isEqualTo(served.get().sha256());
    assertThat(Files.readAllBytes(downloaded)).isEqualTo(Files.readAllBytes(zip));
  }

  @Test
  void snapshotNotFoundIsRejected() {
    IngestClient client = new IngestClient(config(IngestEndpointsStandIn.API_KEY));

    assertThatThrownBy(
            () ->
                client.readSnapshotArchive(
                    "run-8", URI.create(ingest.archiveUri("missing")), body -> body.readAllBytes()))
        .isInstanceOf(IngestRejectedException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("Snapshot missing not found");
  }

  private Path artifactZip() throws IOException {
    ModelMetadata metadata =
        new ModelMetadata(
            SchemaVersion.CURRENT,
            "cactus",
            0,
            List.of("0", "1"),
            32,
            TrainingHyperparameters.recipeDefaults(),
            "run-5",
            "snapshot-1",
            null,
            Instant.parse("2026-01-01T00:00:00Z"));
    Path zip = tempDir.resolve("artifact.zip");
    try (OutputStream file = Files.newOutputStream(zip);
        ZipOutputStream out = new ZipOutputStream(file)) {
      out.putNextEntry(new ZipEntry("saved_model.pb"));
      out.write(new byte[] {1, 2, 3});
      out.putNextEntry(new ZipEntry(ModelSignatures.METADATA_ENTRY));
      out.write(ContractCodec.encode(metadata).getBytes(StandardCharsets.UTF_8));
    }
    return zip;
  }

  private TrainerConfig config(String apiKey) {
    return new TestTrainerConfig(URI.create(ingest.baseUrl()), apiKey);
  }

  /** Settings for a client outside Quarkus: three attempts with short back-off. */
  private record TestTrainerConfig(URI ingestBaseUrl, String ingestApiKey)
      implements TrainerConfig {

    @Override
    public Optional<String> trainerId() {
      return Optional.of("test-trainer");
    }

    @Override
    public IngestCalls ingest() {
      return new IngestCalls() {
        @Override
        public Duration connectTimeout() {
          return Duration.ofSeconds(5);
        }

        @Override
        public Duration requestTimeout() {
          return Duration.ofSeconds(30);
        }

        @Override
        public int maxAttempts() {
          return 3;
        }

        @Override
        public Duration retryBackoff() {
          return Duration.ofMillis(50);
        }

        @Override
        public Duration maxRetryBackoff() {
          return Duration.ofMillis(100);
        }
      };
    }

    @Override
    public Duration heartbeatInterval() {
      return Duration.ofSeconds(15);
    }

    @Override
    public int maxConcurrentRuns() {
      return 1;
    }

    @Override
    public int intraOpThreads() {
      return 0;
    }

    @Override
    public int interOpThreads() {
      return 0;
    }

    @Override
    public ActivationCache activationCache() {
      throw new UnsupportedOperationException("not used by the ingest client");
    }

    @Override
    public Path imagenetWeightsDirectory() {
      throw new UnsupportedOperationException("not used by the ingest client");
    }

    @Override
    public Path workDirectory() {
      throw new UnsupportedOperationException("not used by the ingest client");
    }

    @Override
    public Duration publishTimeout() {
      return Duration.ofSeconds(30);
    }
  }
}

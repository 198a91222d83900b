package dev.saguaro.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.WeightInitialization;
import dev.saguaro.testing.KafkaBrokerProcess;
import dev.saguaro.tools.fashion.LabelTask;
import dev.saguaro.tools.mainjob.FashionMnistData;
import dev.saguaro.tools.mainjob.JobConsole;
import dev.saguaro.tools.mainjob.MainJob;
import dev.saguaro.tools.mainjob.MainJobResult;
import dev.saguaro.tools.mainjob.MainJobSettings;
import dev.saguaro.tools.mainjob.PredictionTraffic.TrafficSummary;
import dev.saguaro.tools.mainjob.ServiceSpec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job at tiny scale across the three services, each a separate JVM started from its {@code
 * target/quarkus-app/quarkus-run.jar}, on a real Kafka broker (a child JVM) and a real PostgreSQL
 * (zonky's embedded binaries), all on free loopback ports: real Fashion-MNIST images go in through
 * the ingest service's bulk import, automatic retraining trains two versions through Kafka, and the
 * inference service serves them.
 *
 * <p>The root build orders the reactor so that the services are packaged before this module.
 */
class MainJobEndToEndTest {

  private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
  private static final String DATASET = "e2e-footwear";

  /**
   * Settings of the tiny automatic runs: alpha 0.35 at 48x48 from random weights (no ImageNet file
   * is installed on the development machines). The model learns only once its batch-normalization
   * moving averages (momentum 0.999, as in Keras's MobileNetV2) have moved away from their initial
   * values, which takes several hundred steps. Measured on a 2-core machine: after about 50 steps,
   * validation accuracy equalled the majority-class rate. With 12 + 1 epochs of 400 images in
   * batches of 8 (about 580 steps) the served model reached test accuracy 0.79 and ROC AUC 0.90.
   * The settings below, with 24 + 1 epochs, give about 1,100 steps (0.94 and 0.98 measured) and
   * under a minute of training per run.
   */
  private static final TrainingHyperparameters TINY_RUN =
      new TrainingHyperparameters(
          0.35, 48, 8, null, null, null, 24, 1e-3, 1, 1e-4, null, WeightInitialization.AUTO, null);

  /**
   * Test accuracy the tiny run must beat on the binary task. Always predicting "no footwear" scores
   * the majority-class rate, 0.70 on the stratified test images.
   */
  private static final double MIN_TEST_ACCURACY = 0.85;

  /** ROC AUC the tiny run must beat; ranking at random scores 0.5. Measured: 0.98 and 0.997. */
  private static final double MIN_TEST_ROC_AUC = 0.85;

  @Test
  void automaticRunsTrainServeAndReplaceVersions(@TempDir Path state) throws Exception {
    assumeTrue(
        FashionMnistData.isInstalled(FASHION_MNIST),
        "Fashion-MNIST is not installed in "
            + FASHION_MNIST
            + "; install the Debian package dataset-fashion-mnist to run this test");
    Path root = Path.of("").toAbsolutePath().resolve("../..").normalize();

    try (KafkaBrokerProcess kafka = KafkaBrokerProcess.onFreePorts();
        EmbeddedPostgres postgres =
            EmbeddedPostgres.builder().setPort(KafkaBrokerProcess.freePort()).start()) {
      kafka.start();
      MainJobSettings settings = tinySettings(root, state, kafka, postgres);
      for (String module :
          new String[] {"ingest-service", "trainer-service", "inference-service"}) {
        assertThat(settings.serviceJar(module))
            .as("built service (run the test from the root build, which packages it first)")
            .exists();
      }

      MainJob job = new MainJob(settings, new JobConsole(System.out));
      MainJobResult result;
      try {
        result = job.run();
      } catch (Throwable failure) {
        printServiceLogs(job);
        throw failure;
      } finally {
        job.stopServices();
      }

      assertRunSucceededAutomatically(result.firstRun(), 1);
      assertRunSucceededAutomatically(result.secondRun(), 2);
      assertThat(result.firstEvaluation().answersByVersion()).containsOnlyKeys(1L);
      assertThat(result.secondEvaluation().answersByVersion()).containsOnlyKeys(2L);
      assertThat(result.firstEvaluation().majorityRate()).isEqualTo(0.7);
      assertThat(result.firstEvaluation().accuracy()).isGreaterThan(MIN_TEST_ACCURACY);
      assertThat(result.secondEvaluation().accuracy()).isGreaterThan(MIN_TEST_ACCURACY);
      assertThat(result.firstEvaluation().rocAuc()).isGreaterThan(MIN_TEST_ROC_AUC);
      assertThat(result.secondEvaluation().rocAuc()).isGreaterThan(MIN_TEST_ROC_AUC);

      TrafficSummary traffic = result.switchTraffic();
      assertThat(traffic.failures())
          .as("failed predictions: %s", traffic.failureMessages())
          .isZero();
      assertThat(traffic.answersByVersion()).containsOnlyKeys(1L, 2L);
      assertThat(traffic.switches()).hasSize(2);
      assertThat(traffic.switches().get(1).fromVersion()).isEqualTo(1);
      assertThat(traffic.switches().get(1).toVersion()).isEqualTo(2);
    }
  }

  private static MainJobSettings tinySettings(
      Path root, Path state, KafkaBrokerProcess kafka, EmbeddedPostgres postgres) {
    String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    return new MainJobSettings(
        root,
        state,
        FASHION_MNIST,
        LabelTask.HAS_FOOTWEAR,
        DATASET,
        400,
        200,
        500,
        TINY_RUN,
        new MainJobSettings.Infrastructure(
            kafka.bootstrapServers(), jdbcUrl, "postgres", "postgres"),
        new MainJobSettings.ServicePorts(
            KafkaBrokerProcess.freePort(),
            KafkaBrokerProcess.freePort(),
            KafkaBrokerProcess.freePort()),
        "e2e-key",
        "1g",
        Duration.ofMinutes(4),
        false);
  }

  private static void assertRunSucceededAutomatically(JsonNode run, long version) {
    assertThat(run.path("state").asText())
        .as("state of run %s", run.path("id"))
        .isEqualTo("SUCCEEDED");
    assertThat(run.path("trigger").asText()).isEqualTo("AUTOMATIC");
    assertThat(run.path("requestedBy").asText()).isEqualTo("main-job-auto-retrain");
    assertThat(run.path("modelVersion").asLong()).isEqualTo(version);
    assertThat(run.path("hyperparameters").path("imageSize").asInt()).isEqualTo(48);
    assertThat(run.path("metricsHistory").size()).isEqualTo(25);
  }

  private static void printServiceLogs(MainJob job) {
    for (ServiceSpec spec : job.services()) {
      Path log = job.launcher().logFile(spec.name());
      System.out.println("---- last lines of " + log + (Files.exists(log) ? "" : " (missing)"));
      System.out.println(job.launcher().logTail(spec.name(), 80));
    }
  }
}

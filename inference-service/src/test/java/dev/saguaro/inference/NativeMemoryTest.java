package dev.saguaro.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.Artifacts;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TinyModels;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Process RSS stays flat across many load and unload cycles, because every SavedModelBundle, Tensor
 * and Result is closed. Native memory that is not returned after a reload is a known risk with
 * TensorFlow Java, and the garbage collector does not see it. Artifacts come from file: URIs.
 */
@QuarkusTest
@Order(7)
class NativeMemoryTest {

  private static final Logger LOG = Logger.getLogger(NativeMemoryTest.class);
  private static final String MODEL = "memory";
  private static final int WARMUP_CYCLES = 10;
  private static final int MEASURED_CYCLES = 50;
  private static final double MAX_GROWTH = 0.10;

  @Test
  void residentMemoryStaysFlatAcrossReloads() throws Exception {
    Path directory = Files.createTempDirectory("memory-artifacts-");
    byte[] template = TinyModels.artifact(MODEL, 1);
    try (Announcer announcer = new Announcer(ServiceClient.bootstrapServers())) {
      long version = 0;
      for (int cycle = 0; cycle < WARMUP_CYCLES; cycle++) {
        reload(announcer, directory, template, ++version);
      }
      long before = residentKilobytes();

      for (int cycle = 0; cycle < MEASURED_CYCLES; cycle++) {
        reload(announcer, directory, template, ++version);
      }
      long after = residentKilobytes();

      LOG.infof(
          "VmRSS %d kB after %d warm-up cycles, %d kB after %d more load/unload cycles (%+.1f %%)",
          before, WARMUP_CYCLES, after, MEASURED_CYCLES, 100.0 * (after - before) / before);
      assertThat((double) after).isLessThanOrEqualTo(before * (1 + MAX_GROWTH));
      // The pre-touched heap (see the surefire argLine) is a large constant share of the RSS, so
      // the
      // growth is also held to 10 % of what lies outside the heap, where native memory lives.
      long heapKilobytes = Runtime.getRuntime().totalMemory() / 1024;
      assertThat((double) (after - before))
          .isLessThanOrEqualTo((before - heapKilobytes) * MAX_GROWTH);
    }
  }

  /** Announces {@code version} and waits until it serves and its predecessor has closed. */
  private static void reload(Announcer announcer, Path directory, byte[] template, long version)
      throws Exception {
    byte[] artifact =
        Artifacts.withMetadata(template, ContractCodec.encode(TinyModels.metadata(MODEL, version)));
    Path file = directory.resolve(version + ".zip");
    Files.write(file, artifact);
    announcer.announceNewVersion(MODEL, version, file.toUri().toString(), artifact);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                Long.valueOf(version).equals(ServiceClient.servingVersion(MODEL))
                    && (version == 1
                        || "UNLOADED".equals(ServiceClient.versionState(MODEL, version - 1))));
    Files.delete(file);
  }

  private static long residentKilobytes() throws Exception {
    System.gc();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("/proc/self/status has no VmRSS line");
  }
}

package dev.saguaro.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.WeightInitialization;
import dev.saguaro.trainer.data.TrainingDataset;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures training speed of the recipe's network (MobileNetV2 alpha 1.0, 96x96, batch 32) on
 * generated 32x32 images, with and without the activation cache, and projects the time of the full
 * recipe (30 + 30 epochs) on 17,500 images. Prints a table; asserts only correctness.
 *
 * <p>The projection scales each phase's measured set-up (graph build and cache fill) and epoch
 * times linearly with the image count, which overstates the fixed graph-build part. Because other
 * processes may share the machine, a second estimate divides the process's CPU time by the core
 * count instead of using wall time. It also writes the trained model as an artifact zip to {@code
 * target/benchmark-model.zip} for the inference service's benchmark.
 */
@Tag("benchmark")
class RecipeBenchmark {

  private static final int IMAGES = 960;
  private static final int EPOCHS_PER_PHASE = 3;
  private static final int RECIPE_IMAGES = 17_500;
  private static final int RECIPE_EPOCHS_PER_PHASE = 30;

  /** TensorFlow thread settings under test; 0 lets TensorFlow choose, as the trainer's default. */
  private static final int INTRA_OP_THREADS =
      Integer.getInteger("saguaro.bench.intra-op-threads", 0);

  private static final int INTER_OP_THREADS =
      Integer.getInteger("saguaro.bench.inter-op-threads", 0);

  @TempDir Path temp;

  @Test
  void recipeSpeedWithAndWithoutActivationCache() throws Exception {
    TrainingDataset dataset = TestDatasets.generate(IMAGES, 2, 32, 11);
    TrainingHyperparameters recipe =
        new TrainingHyperparameters(
                1.0,
                96,
                32,
                0.1,
                42L,
                10_000,
                EPOCHS_PER_PHASE,
                1e-4,
                EPOCHS_PER_PHASE,
                1e-5,
                100,
                WeightInitialization.RANDOM,
                false)
            .withDefaults();

    List<String> rows = new ArrayList<>();
    for (boolean cache : new boolean[] {true, false}) {
      TimingListener listener = new TimingListener();
      TrainerSettings settings =
          new TrainerSettings(
              INTRA_OP_THREADS, INTER_OP_THREADS, cache, 4L << 30, temp.resolve("spill"));
      try (TrainedModel model =
          new RecipeTrainer(settings)
              .train(dataset, recipe, new WeightSource.Random(), listener, () -> false)) {
        listener.finish();
        assertThat(model.history()).hasSize(2 * EPOCHS_PER_PHASE);
        float[][] probabilities = model.predict(List.of(dataset.images().get(0).encodedImage()));
        assertThat(probabilities[0][0] + probabilities[0][1]).isCloseTo(1f, within(1e-5f));
        rows.add(listener.row(cache ? "with cache" : "without cache"));
        if (cache) {
          writeArtifact(model, recipe);
        }
      }
    }

    System.out.printf(
        "%nRecipe benchmark: MobileNetV2 alpha 1.0, 96x96, batch 32, %d generated images, %d"
            + " epochs per phase, projected to %d images and %d + %d epochs; TensorFlow intra-op"
            + " threads %d, inter-op threads %d (0: TensorFlow chooses), %d cores%n",
        IMAGES,
        EPOCHS_PER_PHASE,
        RECIPE_IMAGES,
        RECIPE_EPOCHS_PER_PHASE,
        RECIPE_EPOCHS_PER_PHASE,
        INTRA_OP_THREADS,
        INTER_OP_THREADS,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "| %-13s | %-16s | %-16s | %-14s | %-14s | %-16s | %-16s | %-15s | %-24s |%n",
        "mode",
        "phase 1 images/s",
        "phase 2 images/s",
        "phase 1 set-up",
        "phase 2 set-up",
        "phase 1 projected",
        "phase 2 projected",
        "recipe projected",
        "recipe, CPU-time estimate");
    rows.forEach(System.out::println);
  }

  private static org.assertj.core.data.Offset<Float> within(float offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }

  private void writeArtifact(TrainedModel model, TrainingHyperparameters recipe)
      throws IOException {
    Path directory = temp.resolve("saved-model");
    EpochMetrics last = model.history().get(model.history().size() - 1);
    model.exportSavedModel(
        directory,
        new ModelMetadata(
            SchemaVersion.CURRENT,
            "benchmark",
            1,
            model.classNames(),
            model.imageSize(),
            recipe,
            "benchmark-run",
            "snapshot-test",
            last,
            Instant.now()));
    Path zip = Path.of("target", "benchmark-model.zip");
    Files.createDirectories(zip.getParent());
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream zipStream = new ZipOutputStream(out);
        Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        zipStream.putNextEntry(new ZipEntry(directory.relativize(file).toString()));
        Files.copy(file, zipStream);
        zipStream.closeEntry();
      }
    }
    System.out.printf("Wrote the benchmark model artifact to %s%n", zip.toAbsolutePath());
  }

  /** Records each phase's start and epochs, to split set-up time from epoch time. */
  private static final class TimingListener implements TrainingListener {

    private final long[] phaseStart = new long[3];
    private final long[] phaseEnd = new long[3];
    private final long[] phaseCpuStart = new long[3];
    private final long[] phaseCpuEnd = new long[3];
    private final List<List<EpochMetrics>> epochs =
        List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    private int currentPhase;

    @Override
    public void onPhaseStarted(int phase, int firstEpoch, int lastEpoch) {
      long now = System.nanoTime();
      long cpu = processCpuNanos();
      if (currentPhase > 0) {
        phaseEnd[currentPhase] = now;
        phaseCpuEnd[currentPhase] = cpu;
      }
      currentPhase = phase;
      phaseStart[phase] = now;
      phaseCpuStart[phase] = cpu;
    }

    @Override
    public void onEpochCompleted(EpochMetrics metrics) {
      epochs.get(metrics.phase()).add(metrics);
    }

    void finish() {
      phaseEnd[currentPhase] = System.nanoTime();
      phaseCpuEnd[currentPhase] = processCpuNanos();
    }

    private static long processCpuNanos() {
      return ((com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }

    String row(String mode) {
      double scale = (double) RECIPE_IMAGES / IMAGES;
      double[] projectedMinutes = new double[3];
      double[] setUpSeconds = new double[3];
      double[] imagesPerSecond = new double[3];
      double[] cpuProjectedMinutes = new double[3];
      for (int phase = 1; phase <= 2; phase++) {
        List<EpochMetrics> phaseEpochs = epochs.get(phase);
        double epochSeconds = phaseEpochs.stream().mapToDouble(EpochMetrics::durationSeconds).sum();
        double wallSeconds = (phaseEnd[phase] - phaseStart[phase]) / 1e9;
        // The first epoch runs on a cold session, so the steady epochs give the rate.
        List<EpochMetrics> steady = phaseEpochs.subList(1, phaseEpochs.size());
        double steadyEpochSeconds =
            steady.stream().mapToDouble(EpochMetrics::durationSeconds).average().orElseThrow();
        imagesPerSecond[phase] =
            steady.stream().mapToDouble(EpochMetrics::imagesPerSecond).average().orElseThrow();
        setUpSeconds[phase] = wallSeconds - epochSeconds;
        projectedMinutes[phase] =
            (setUpSeconds[phase] * scale + RECIPE_EPOCHS_PER_PHASE * steadyEpochSeconds * scale)
                / 60;
        // The same projection from the process's CPU time spread over the machine's cores, which
        // estimates a machine that runs nothing else.
        double cpuSeconds = (phaseCpuEnd[phase] - phaseCpuStart[phase]) / 1e9;
        double share = cpuSeconds / wallSeconds;
        int cores = Runtime.getRuntime().availableProcessors();
        cpuProjectedMinutes[phase] = projectedMinutes[phase] * Math.min(1.0, share / cores);
      }
      return String.format(
          "| %-13s | %16.0f | %16.0f | %12.1f s | %12.1f s | %13.1f min | %13.1f min | %11.1f min"
              + " | %20.1f min |",
          mode,
          imagesPerSecond[1],
          imagesPerSecond[2],
          setUpSeconds[1],
          setUpSeconds[2],
          projectedMinutes[1],
          projectedMinutes[2],
          projectedMinutes[1] + projectedMinutes[2],
          cpuProjectedMinutes[1] + cpuProjectedMinutes[2]);
    }
  }
}

package dev.saguaro.trainer.training;

import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.WeightInitialization;
import dev.saguaro.trainer.data.LabeledImage;
import dev.saguaro.trainer.data.TrainingDataset;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small generated datasets and settings for fast training tests. */
public final class TestDatasets {

  private TestDatasets() {}

  /**
   * Returns {@code count} images of {@code classCount} classes; each class has its own mean
   * brightness per channel plus noise, so a network can learn them apart.
   */
  public static TrainingDataset generate(int count, int classCount, int side, long seed) {
    Random random = new Random(seed);
    List<String> classNames = new ArrayList<>();
    for (int c = 0; c < classCount; c++) {
      classNames.add(String.valueOf(c));
    }
    List<LabeledImage> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int classIndex = i % classCount;
      String format = i % 2 == 0 ? "png" : "jpg";
      images.add(
          new LabeledImage(
              "image-" + i, encode(drawImage(classIndex, side, random), format), classIndex));
    }
    return new TrainingDataset("snapshot-test", classNames, images);
  }

  public static BufferedImage drawImage(int classIndex, int side, Random random) {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int base = 40 + 70 * classIndex;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int r = clamp(base + random.nextInt(60) - 30);
        int g = clamp((classIndex == 1 ? 200 : 60) + random.nextInt(40) - 20);
        int b = clamp(255 - base + random.nextInt(40) - 20);
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  public static byte[] encode(BufferedImage image, String format) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("No ImageIO writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int clamp(int value) {
    return Math.max(0, Math.min(255, value));
  }

  /**
   * Tiny settings: alpha 0.35, 48x48 input, batch 6, one epoch per phase. With 24 images the split
   * gives 18 training images in 3 full batches: a last batch of one or two images would leave batch
   * normalization in training mode dividing by a variance near zero.
   */
  public static TrainingHyperparameters tinyRecipe() {
    return new TrainingHyperparameters(
            0.35, 48, 6, 0.25, 7L, 100, 1, 1e-3, 1, 1e-4, 100, WeightInitialization.RANDOM, false)
        .withDefaults();
  }

  public static TrainerSettings settings(boolean cache, long memoryBytes, Path spillDirectory) {
    // One thread per op, so that the tests run the same way whatever the machine's core count.
    // RecipeTrainerTest checks the default thread settings separately.
    return new TrainerSettings(1, 1, cache, memoryBytes, spillDirectory);
  }

  /** A listener that records what it is told. */
  public static class RecordingListener implements TrainingListener {
    public final List<String> phases = new ArrayList<>();
    public final List<dev.saguaro.contracts.EpochMetrics> epochs = new ArrayList<>();
    public int batches;

    @Override
    public void onPhaseStarted(int phase, int firstEpoch, int lastEpoch) {
      phases.add(phase + ":" + firstEpoch + "-" + lastEpoch);
    }

    @Override
    public void onEpochCompleted(dev.saguaro.contracts.EpochMetrics metrics) {
      epochs.add(metrics);
    }

    @Override
    public void onBatchCompleted(int phase, int epoch, int batch, int batchesInEpoch) {
      batches++;
    }
  }
}

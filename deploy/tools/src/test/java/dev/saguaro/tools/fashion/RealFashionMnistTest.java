package dev.saguaro.tools.fashion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the real Fashion-MNIST files; skipped where the Debian package is not installed. */
class RealFashionMnistTest {

  private static final Path SOURCE = Path.of("/usr/share/datasets/fashion-mnist");

  @TempDir Path folder;

  @BeforeAll
  static void requireDataset() {
    assumeTrue(
        Files.isReadable(DatasetSplit.TRAIN.imagesFile(SOURCE))
            && Files.isReadable(DatasetSplit.TEST.labelsFile(SOURCE)),
        "Fashion-MNIST is not installed in "
            + SOURCE
            + "; install the Debian package dataset-fashion-mnist to run this test");
  }

  @Test
  void trainSplitHas60000BalancedImages() throws Exception {
    IdxImages images = IdxReader.readImages(DatasetSplit.TRAIN.imagesFile(SOURCE));
    byte[] labels = IdxReader.readLabels(DatasetSplit.TRAIN.labelsFile(SOURCE));

    assertThat(images.count()).isEqualTo(60_000);
    assertThat(images.rows()).isEqualTo(28);
    assertThat(images.columns()).isEqualTo(28);
    assertThat(labels).hasSize(60_000);
    assertThat(countPerLabel(labels)).containsOnly(6_000);
  }

  @Test
  void testSplitHas10000BalancedImages() throws Exception {
    IdxImages images = IdxReader.readImages(DatasetSplit.TEST.imagesFile(SOURCE));
    byte[] labels = IdxReader.readLabels(DatasetSplit.TEST.labelsFile(SOURCE));

    assertThat(images.count()).isEqualTo(10_000);
    assertThat(labels).hasSize(10_000);
    assertThat(countPerLabel(labels)).containsOnly(1_000);
  }

  @Test
  void stratifiedSubsetOfTestSplitConverts() throws Exception {
    Path output = folder.resolve("test-subset");
    ConversionRequest request =
        new ConversionRequest(
            SOURCE,
            DatasetSplit.TEST,
            LabelTask.HAS_FOOTWEAR,
            Sampling.STRATIFIED,
            42,
            0,
            OptionalInt.of(200),
            output,
            false);

    ConversionSummary summary = new FashionMnistConverter().convert(request, written -> {});

    // Three of the ten balanced classes are footwear.
    assertThat(summary.countsByLabel()).containsEntry("1", 60).containsEntry("0", 140);
    IdxImages images = IdxReader.readImages(DatasetSplit.TEST.imagesFile(SOURCE));
    List<String> lines = Files.readAllLines(output.resolve("test.csv"));
    String firstId = lines.get(1).split(",")[0];
    int index = Integer.parseInt(firstId.replaceAll("\\D", ""));
    BufferedImage decoded = ImageIO.read(output.resolve("test").resolve(firstId).toFile());
    assertThat(PngImagesTest.decodedPixels(decoded)).isEqualTo(images.image(index));
  }

  private static int[] countPerLabel(byte[] labels) {
    int[] counts = new int[10];
    for (byte label : labels) {
      counts[label]++;
    }
    return Arrays.copyOf(counts, counts.length);
  }
}

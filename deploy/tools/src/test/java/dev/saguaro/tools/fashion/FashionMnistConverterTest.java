package dev.saguaro.tools.fashion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistConverterTest {

  private static final int ROWS = 4;
  private static final int COLUMNS = 3;

  @TempDir Path folder;
  private Path source;

  @BeforeEach
  void writeSource() throws IOException {
    source = IdxFixtures.writeSourceFolder(folder.resolve("source"), 200, 50, ROWS, COLUMNS);
  }

  @Test
  void folderLayoutHasCsvAndPngPerImage() throws Exception {
    Path output = folder.resolve("out");

    ConversionSummary summary = convert(request(LabelTask.HAS_FOOTWEAR, 0, 40, output, false));

    List<String> lines = Files.readAllLines(output.resolve("train.csv"));
    assertThat(lines.get(0)).isEqualTo("id,has_footwear");
    assertThat(lines).hasSize(41);
    assertThat(summary.imageCount()).isEqualTo(40);
    try (var images = Files.list(output.resolve("train"))) {
      assertThat(images.count()).isEqualTo(40);
    }
    for (String line : lines.subList(1, lines.size())) {
      String id = line.split(",")[0];
      assertThat(output.resolve("train").resolve(id)).as("image of row %s", line).exists();
    }
  }

  @Test
  void hasFootwearLabelsFollowSourceLabels() throws Exception {
    Path output = folder.resolve("out");

    ConversionSummary summary = convert(request(LabelTask.HAS_FOOTWEAR, 0, 100, output, false));

    for (Map.Entry<String, String> row : readRows(output.resolve("train.csv")).entrySet()) {
      int sourceLabel = indexOf(row.getKey()) % 10;
      String expected = sourceLabel == 5 || sourceLabel == 7 || sourceLabel == 9 ? "1" : "0";
      assertThat(row.getValue()).as("label of %s", row.getKey()).isEqualTo(expected);
    }
    assertThat(summary.countsByLabel()).containsEntry("1", 30).containsEntry("0", 70);
  }

  @Test
  void tenClassWritesClassNames() throws Exception {
    Path output = folder.resolve("out");

    ConversionSummary summary = convert(request(LabelTask.TEN_CLASS, 0, 20, output, false));

    assertThat(Files.readAllLines(output.resolve("train.csv")).get(0)).isEqualTo("id,label");
    String[] classNames = {
      "t-shirt_top", "trouser", "pullover", "dress", "coat",
      "sandal", "shirt", "sneaker", "bag", "ankle_boot"
    };
    for (Map.Entry<String, String> row : readRows(output.resolve("train.csv")).entrySet()) {
      assertThat(row.getValue())
          .as("label of %s", row.getKey())
          .isEqualTo(classNames[indexOf(row.getKey()) % 10]);
    }
    assertThat(summary.countsByLabel()).hasSize(10).containsEntry("bag", 2);
  }

  @Test
  void pngFilesDecodeToSourcePixels() throws Exception {
    Path output = folder.resolve("out");

    convert(request(LabelTask.TEN_CLASS, 0, 10, output, false));

    for (String id : readRows(output.resolve("train.csv")).keySet()) {
      int index = indexOf(id);
      BufferedImage image = ImageIO.read(output.resolve("train").resolve(id).toFile());
      assertThat(image.getWidth()).isEqualTo(COLUMNS);
      assertThat(image.getHeight()).isEqualTo(ROWS);
      assertThat(PngImagesTest.decodedPixels(image))
          .as("pixels of %s", id)
          .isEqualTo(expectedPixels(index));
    }
  }

  @Test
  void secondBatchWithOffsetDoesNotRepeatFirst() throws Exception {
    convert(request(LabelTask.HAS_FOOTWEAR, 0, 60, folder.resolve("batch1"), false));
    convert(request(LabelTask.HAS_FOOTWEAR, 60, 40, folder.resolve("batch2"), false));

    Map<String, String> first = readRows(folder.resolve("batch1/train.csv"));
    Map<String, String> second = readRows(folder.resolve("batch2/train.csv"));

    assertThat(first).hasSize(60);
    assertThat(second).hasSize(40);
    assertThat(second.keySet()).doesNotContainAnyElementsOf(first.keySet());
  }

  @Test
  void countDefaultsToRestOfSplit() throws Exception {
    ConversionRequest rest =
        new ConversionRequest(
            source,
            DatasetSplit.TRAIN,
            LabelTask.HAS_FOOTWEAR,
            Sampling.FIRST,
            1,
            150,
            OptionalInt.empty(),
            folder.resolve("rest"),
            false);

    ConversionSummary summary = convert(rest);

    assertThat(summary.imageCount()).isEqualTo(50);
    assertThat(readRows(folder.resolve("rest/train.csv"))).containsKey("fashion-train-00199.png");
  }

  @Test
  void testSplitUsesTestNames() throws Exception {
    ConversionRequest test =
        new ConversionRequest(
            source,
            DatasetSplit.TEST,
            LabelTask.TEN_CLASS,
            Sampling.STRATIFIED,
            1,
            0,
            OptionalInt.of(50),
            folder.resolve("test-out"),
            false);

    convert(test);

    assertThat(folder.resolve("test-out/test.csv")).exists();
    assertThat(readRows(folder.resolve("test-out/test.csv")))
        .hasSize(50)
        .containsKey("fashion-test-00049.png");
    assertThat(folder.resolve("test-out/test/fashion-test-00049.png")).exists();
  }

  @Test
  void zipHoldsCsvFirstThenImages() throws Exception {
    Path zip = folder.resolve("batch.zip");

    convert(request(LabelTask.HAS_FOOTWEAR, 0, 30, zip, true));

    try (ZipFile archive = new ZipFile(zip.toFile())) {
      List<String> names = new ArrayList<>();
      archive.stream().forEach(entry -> names.add(entry.getName()));
      assertThat(names).hasSize(31);
      assertThat(names.get(0)).isEqualTo("train.csv");
      assertThat(names.subList(1, names.size())).allMatch(name -> name.startsWith("train/"));

      String firstImage = names.get(1);
      byte[] png = archive.getInputStream(archive.getEntry(firstImage)).readAllBytes();
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(PngImagesTest.decodedPixels(image))
          .isEqualTo(expectedPixels(indexOf(firstImage.substring("train/".length()))));
    }
  }

  @Test
  void existingOutputRejected() throws Exception {
    Path output = Files.createDirectories(folder.resolve("used"));
    Files.writeString(output.resolve("keep.txt"), "not ours");

    assertThatThrownBy(() -> convert(request(LabelTask.HAS_FOOTWEAR, 0, 5, output, false)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("already exists and is not an empty folder");
  }

  @Test
  void subsetBeyondSplitRejected() {
    assertThatThrownBy(
            () -> convert(request(LabelTask.HAS_FOOTWEAR, 150, 100, folder.resolve("x"), false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds the 200 images");
  }

  @Test
  void missingSourceNamesDebianPackage() {
    ConversionRequest missing =
        new ConversionRequest(
            folder.resolve("nowhere"),
            DatasetSplit.TRAIN,
            LabelTask.HAS_FOOTWEAR,
            Sampling.FIRST,
            1,
            0,
            OptionalInt.of(1),
            folder.resolve("out"),
            false);

    assertThatThrownBy(() -> convert(missing))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("dataset-fashion-mnist");
  }

  @Test
  void imageAndLabelCountMismatchRejected() throws Exception {
    IdxFixtures.writeGzip(
        source.resolve("train-labels-idx1-ubyte.gz"),
        IdxFixtures.labelsFile(IdxFixtures.cyclicLabels(199)));

    assertThatThrownBy(
            () -> convert(request(LabelTask.HAS_FOOTWEAR, 0, 10, folder.resolve("out"), false)))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("has 200 images but")
        .hasMessageContaining("has 199 labels");
  }

  private ConversionRequest request(
      LabelTask task, int offset, int count, Path output, boolean zip) {
    return new ConversionRequest(
        source,
        DatasetSplit.TRAIN,
        task,
        Sampling.STRATIFIED,
        42,
        offset,
        OptionalInt.of(count),
        output,
        zip);
  }

  private static ConversionSummary convert(ConversionRequest request) throws IOException {
    return new FashionMnistConverter().convert(request, written -> {});
  }

  private static Map<String, String> readRows(Path csv) throws IOException {
    Map<String, String> rows = new HashMap<>();
    List<String> lines = Files.readAllLines(csv);
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",");
      rows.put(fields[0], fields[1]);
    }
    return rows;
  }

  /** Returns the source index of an image id such as {@code fashion-train-00042.png}. */
  private static int indexOf(String id) {
    String digits = id.substring(id.lastIndexOf('-') + 1, id.length() - ".png".length());
    return Integer.parseInt(digits);
  }

  private static byte[] expectedPixels(int index) {
    byte[] pixels = new byte[ROWS * COLUMNS];
    for (int row = 0; row < ROWS; row++) {
      for (int column = 0; column < COLUMNS; column++) {
        pixels[row * COLUMNS + column] = IdxFixtures.pixel(index, row, column);
      }
    }
    return pixels;
  }
}

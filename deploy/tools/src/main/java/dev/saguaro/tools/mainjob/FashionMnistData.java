package dev.saguaro.tools.mainjob;

import dev.saguaro.tools.fashion.ConversionRequest;
import dev.saguaro.tools.fashion.ConversionSummary;
import dev.saguaro.tools.fashion.DatasetSplit;
import dev.saguaro.tools.fashion.FashionMnistClass;
import dev.saguaro.tools.fashion.FashionMnistConverter;
import dev.saguaro.tools.fashion.IdxImages;
import dev.saguaro.tools.fashion.IdxReader;
import dev.saguaro.tools.fashion.LabelTask;
import dev.saguaro.tools.fashion.PngImages;
import dev.saguaro.tools.fashion.Sampling;
import dev.saguaro.tools.fashion.SubsetOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Fashion-MNIST as the main job uses it: training batches written as Kaggle-layout zips for the
 * ingest service, and held-out test images (the t10k split) kept in memory for the inference
 * service. Both use the converter's stratified order with seed 42, so every prefix keeps the class
 * proportions and batches at different offsets never share an image.
 */
public final class FashionMnistData {

  /** Seed of the stratified order, the same as the converter's default. */
  public static final long SEED = 42;

  private final Path sourceDirectory;
  private final LabelTask task;

  public FashionMnistData(Path sourceDirectory, LabelTask task) {
    this.sourceDirectory = sourceDirectory;
    this.task = task;
  }

  /** Returns whether the four IDX files are in the source directory. */
  public static boolean isInstalled(Path sourceDirectory) {
    for (DatasetSplit split : DatasetSplit.values()) {
      if (!Files.isRegularFile(split.imagesFile(sourceDirectory))
          || !Files.isRegularFile(split.labelsFile(sourceDirectory))) {
        return false;
      }
    }
    return true;
  }

  /** Returns the task whose label column the batches carry. */
  public LabelTask task() {
    return task;
  }

  /**
   * Writes {@code count} training images, starting at {@code offset} of the stratified order, as
   * one zip ({@code train.csv} first, then {@code train/*.png}).
   */
  public ConversionSummary writeTrainingBatch(int offset, int count, Path zip) throws IOException {
    Files.createDirectories(zip.toAbsolutePath().getParent());
    Files.deleteIfExists(zip);
    ConversionRequest request =
        new ConversionRequest(
            sourceDirectory,
            DatasetSplit.TRAIN,
            task,
            Sampling.STRATIFIED,
            SEED,
            offset,
            OptionalInt.of(count),
            zip,
            true);
    return new FashionMnistConverter().convert(request, written -> {});
  }

  /** Loads the first {@code count} test images of the stratified order as PNGs with labels. */
  public List<TestImage> loadTestImages(int count) throws IOException {
    IdxImages images = IdxReader.readImages(DatasetSplit.TEST.imagesFile(sourceDirectory));
    byte[] labels = IdxReader.readLabels(DatasetSplit.TEST.labelsFile(sourceDirectory));
    int[] order = SubsetOrder.order(Sampling.STRATIFIED, labels, SEED);
    int[] selected = SubsetOrder.slice(order, 0, Math.min(count, order.length));

    List<TestImage> result = new ArrayList<>(selected.length);
    for (int index : selected) {
      byte[] png = PngImages.encodeGray(images.image(index), images.columns(), images.rows());
      String label = task.labelOf(FashionMnistClass.ofLabel(labels[index]));
      result.add(
          new TestImage(FashionMnistConverter.imageId(DatasetSplit.TEST, index), png, label));
    }
    return result;
  }
}

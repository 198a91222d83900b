package dev.saguaro.tools.fashion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Converts Fashion-MNIST from IDX files to the Kaggle layout that the ingest service imports: a CSV
 * file {@code <split>.csv} with header {@code id,<label column>}, where {@code id} is the image's
 * file name, and a folder {@code <split>/} of 8-bit grayscale PNG files.
 *
 * <p>Image ids are {@code fashion-<split>-<index>.png} with the image's index in its IDX file, so
 * ids stay unique across batches and splits and name the source image.
 */
public final class FashionMnistConverter {

  private static final String CSV_LINE_END = "\n";

  /**
   * Converts the subset that {@code request} describes.
   *
   * @param onImageWritten called with the number of images written so far, after each image
   */
  public ConversionSummary convert(ConversionRequest request, IntConsumer onImageWritten)
      throws IOException {
    long startNanos = System.nanoTime();
    Path imagesFile = existingFile(request.split().imagesFile(request.sourceDirectory()));
    Path labelsFile = existingFile(request.split().labelsFile(request.sourceDirectory()));
    IdxImages images = IdxReader.readImages(imagesFile);
    byte[] labels = IdxReader.readLabels(labelsFile);
    FashionMnistClass[] garments = toClasses(labels, labelsFile);
    if (images.count() != labels.length) {
      throw new IdxFormatException(
          imagesFile
              + " has "
              + images.count()
              + " images but "
              + labelsFile
              + " has "
              + labels.length
              + " labels");
    }

    int count = request.count().orElse(Math.max(0, labels.length - request.offset()));
    int[] order = SubsetOrder.order(request.sampling(), labels, request.seed());
    int[] selected = SubsetOrder.slice(order, request.offset(), count);

    String folder = request.split().outputName();
    String csvPath = folder + ".csv";
    StringBuilder csv = new StringBuilder("id," + request.task().columnName() + CSV_LINE_END);
    SortedMap<String, Integer> countsByLabel = new TreeMap<>();
    for (int index : selected) {
      String label = request.task().labelOf(garments[index]);
      csv.append(imageId(request.split(), index)).append(',').append(label).append(CSV_LINE_END);
      countsByLabel.merge(label, 1, Integer::sum);
    }

    try (DatasetSink sink = DatasetSink.open(request.output(), request.zip())) {
      // The CSV goes first so that a reader streaming the zip has every label before the images.
      sink.write(csvPath, csv.toString().getBytes(StandardCharsets.UTF_8));
      for (int written = 0; written < selected.length; written++) {
        int index = selected[written];
        byte[] png = PngImages.encodeGray(images.image(index), images.columns(), images.rows());
        sink.write(folder + "/" + imageId(request.split(), index), png);
        onImageWritten.accept(written + 1);
      }
    }

    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    return new ConversionSummary(
        selected.length, countsByLabel, csvPath, request.output(), elapsed);
  }

  /** Returns the file name of image {@code index} of {@code split}, which is also its id. */
  public static String imageId(DatasetSplit split, int index) {
    return String.format("fashion-%s-%05d.png", split.outputName(), index);
  }

  /** Accepts the uncompressed file when only that one exists, for IDX files unpacked by hand. */
  private static Path existingFile(Path gzipFile) throws IOException {
    if (Files.exists(gzipFile)) {
      return gzipFile;
    }
    String name = gzipFile.getFileName().toString();
    Path plainFile = gzipFile.resolveSibling(name.substring(0, name.length() - ".gz".length()));
    if (Files.exists(plainFile)) {
      return plainFile;
    }
    throw new IOException(
        gzipFile
            + " not found; install the Debian package dataset-fashion-mnist or point --source at"
            + " a folder with the Fashion-MNIST IDX files");
  }

  private static FashionMnistClass[] toClasses(byte[] labels, Path labelsFile)
      throws IdxFormatException {
    FashionMnistClass[] garments = new FashionMnistClass[labels.length];
    for (int i = 0; i < labels.length; i++) {
      try {
        garments[i] = FashionMnistClass.ofLabel(Byte.toUnsignedInt(labels[i]));
      } catch (IllegalArgumentException e) {
        throw new IdxFormatException(labelsFile + " at index " + i + ": " + e.getMessage());
      }
    }
    return garments;
  }
}

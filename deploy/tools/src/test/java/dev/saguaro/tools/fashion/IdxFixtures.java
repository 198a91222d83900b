package dev.saguaro.tools.fashion;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests, in the layout of the Fashion-MNIST files. */
final class IdxFixtures {

  private IdxFixtures() {}

  /** Returns the pixel of image {@code index} at {@code (row, column)}: distinct for small sets. */
  static byte pixel(int index, int row, int column) {
    return (byte) (index * 31 + row * 7 + column * 3);
  }

  /** Builds {@code count} images of {@code rows x columns} whose pixels follow {@link #pixel}. */
  static byte[] pixels(int count, int rows, int columns) {
    byte[] pixels = new byte[count * rows * columns];
    for (int index = 0; index < count; index++) {
      for (int row = 0; row < rows; row++) {
        for (int column = 0; column < columns; column++) {
          pixels[(index * rows + row) * columns + column] = pixel(index, row, column);
        }
      }
    }
    return pixels;
  }

  static byte[] imagesFile(int count, int rows, int columns) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.IMAGES_MAGIC);
    out.writeInt(count);
    out.writeInt(rows);
    out.writeInt(columns);
    out.write(pixels(count, rows, columns));
    return bytes.toByteArray();
  }

  static byte[] labelsFile(byte[] labels) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.LABELS_MAGIC);
    out.writeInt(labels.length);
    out.write(labels);
    return bytes.toByteArray();
  }

  static Path writeGzip(Path file, byte[] content) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content);
    }
    return file;
  }

  /** Labels 0-9 repeated, so that every class has {@code count / 10} images. */
  static byte[] cyclicLabels(int count) {
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) (i % 10);
    }
    return labels;
  }

  /**
   * Writes a Fashion-MNIST source folder with {@code trainCount} training and {@code testCount}
   * test images of {@code rows x columns}, labels cycling through the ten classes.
   */
  static Path writeSourceFolder(Path folder, int trainCount, int testCount, int rows, int columns)
      throws IOException {
    Files.createDirectories(folder);
    writeGzip(folder.resolve("train-images-idx3-ubyte.gz"), imagesFile(trainCount, rows, columns));
    writeGzip(folder.resolve("train-labels-idx1-ubyte.gz"), labelsFile(cyclicLabels(trainCount)));
    writeGzip(folder.resolve("t10k-images-idx3-ubyte.gz"), imagesFile(testCount, rows, columns));
    writeGzip(folder.resolve("t10k-labels-idx1-ubyte.gz"), labelsFile(cyclicLabels(testCount)));
    return folder;
  }
}

package dev.saguaro.tools.fashion;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
 *
 * <p>An IDX file starts with a big-endian magic number whose third byte is the element type ({@code
 * 0x08} for unsigned bytes) and whose fourth byte is the number of dimensions, followed by one
 * big-endian 32-bit size per dimension and then the elements. Images are {@code 0x00000803} (count,
 * rows, columns), labels {@code 0x00000801} (count).
 */
public final class IdxReader {

  /** Magic number of an IDX file of unsigned bytes with three dimensions. */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Magic number of an IDX file of unsigned bytes with one dimension. */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int GZIP_FIRST_BYTE = 0x1f;
  private static final int GZIP_SECOND_BYTE = 0x8b;

  private IdxReader() {}

  /** Reads an images file ({@code *-images-idx3-ubyte[.gz]}). */
  public static IdxImages readImages(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      requireMagic(file, readHeaderInt(in, file), IMAGES_MAGIC, "images (idx3-ubyte)");
      int count = readDimension(in, file, "image count", 0);
      int rows = readDimension(in, file, "rows", 1);
      int columns = readDimension(in, file, "columns", 1);

      long size = (long) count * rows * columns;
      if (size > Integer.MAX_VALUE - 8) {
        throw new IdxFormatException(
            file + " declares " + count + " images of " + rows + "x" + columns + ", too large");
      }
      byte[] pixels = readElements(in, file, (int) size);
      return new IdxImages(count, rows, columns, pixels);
    }
  }

  /** Reads a labels file ({@code *-labels-idx1-ubyte[.gz]}); each label is an unsigned byte. */
  public static byte[] readLabels(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      requireMagic(file, readHeaderInt(in, file), LABELS_MAGIC, "labels (idx1-ubyte)");
      int count = readDimension(in, file, "label count", 0);
      return readElements(in, file, count);
    }
  }

  /** Opens the file, decompressing it when it starts with the gzip signature. */
  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file));
    raw.mark(2);
    int first = raw.read();
    int second = raw.read();
    raw.reset();
    boolean gzip = first == GZIP_FIRST_BYTE && second == GZIP_SECOND_BYTE;
    InputStream content = gzip ? new BufferedInputStream(new GZIPInputStream(raw)) : raw;
    return new DataInputStream(content);
  }

  private static int readHeaderInt(DataInputStream in, Path file) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new IdxFormatException(file + " is truncated: its IDX header is incomplete");
    }
  }

  private static void requireMagic(Path file, int magic, int expected, String kind)
      throws IdxFormatException {
    if (magic != expected) {
      throw new IdxFormatException(
          String.format(
              "%s is not an IDX %s file: magic number 0x%08x, expected 0x%08x",
              file, kind, magic, expected));
    }
  }

  private static int readDimension(DataInputStream in, Path file, String name, int minimum)
      throws IOException {
    int value = readHeaderInt(in, file);
    if (value < minimum) {
      throw new IdxFormatException(
          file + " declares " + name + " " + value + ", expected at least " + minimum);
    }
    return value;
  }

  private static byte[] readElements(DataInputStream in, Path file, int size) throws IOException {
    byte[] elements = in.readNBytes(size);
    if (elements.length < size) {
      throw new IdxFormatException(
          file + " is truncated: " + elements.length + " of " + size + " data bytes present");
    }
    if (in.read() != -1) {
      throw new IdxFormatException(
          file + " has bytes after the " + size + " data bytes that its header declares");
    }
    return elements;
  }
}

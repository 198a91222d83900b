package dev.saguaro.tools.fashion;

import java.util.Arrays;

/**
 * Grayscale images read from an IDX file: {@code count} images of {@code rows x columns} unsigned
 * bytes, stored row by row, image after image. In Fashion-MNIST, 0 is the background and 255 the
 * brightest part of the garment.
 */
public record IdxImages(int count, int rows, int columns, byte[] pixels) {

  public IdxImages {
    if ((long) count * rows * columns != pixels.length) {
      throw new IllegalArgumentException(
          "pixels has "
              + pixels.length
              + " bytes, expected "
              + count
              + " x "
              + rows
              + " x "
              + columns);
    }
  }

  /** Returns a copy of the pixels of image {@code index}, row by row. */
  public byte[] image(int index) {
    int size = rows * columns;
    return Arrays.copyOfRange(pixels, index * size, (index + 1) * size);
  }
}

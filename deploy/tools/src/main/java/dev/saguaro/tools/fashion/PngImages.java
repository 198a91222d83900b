package dev.saguaro.tools.fashion;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Encodes IDX pixels as 8-bit grayscale PNG files. */
public final class PngImages {

  private PngImages() {}

  /**
   * Encodes {@code width x height} grayscale pixels, row by row, as a PNG file. The samples are
   * written unchanged, so decoding the file returns the same bytes.
   */
  public static byte[] encodeGray(byte[] pixels, int width, int height) {
    if (pixels.length != width * height) {
      throw new IllegalArgumentException(
          pixels.length + " pixels do not make a " + width + "x" + height + " image");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, width, height, pixels);

    ByteArrayOutputStream png = new ByteArrayOutputStream(1024);
    try {
      if (!ImageIO.write(image, "png", png)) {
        throw new IllegalStateException("This JDK has no PNG writer for ImageIO");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Encoding a PNG in memory failed", e);
    }
    return png.toByteArray();
  }
}

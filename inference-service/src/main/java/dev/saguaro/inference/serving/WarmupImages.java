package dev.saguaro.inference.serving;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Small synthetic images that exercise both decoders of the {@code preprocess} signature during
 * warm-up. Made once, in memory, so that no test data ships with the service.
 */
final class WarmupImages {

  private static final int SIDE = 64;

  static final byte[] PNG = encode("png");
  static final byte[] JPEG = encode("jpg");

  private WarmupImages() {}

  private static byte[] encode(String format) {
    BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        // A colour gradient, so that every channel carries values across the whole range.
        int red = x * 255 / (SIDE - 1);
        int green = y * 255 / (SIDE - 1);
        int blue = (x + y) * 255 / (2 * (SIDE - 1));
        image.setRGB(x, y, (red << 16) | (green << 8) | blue);
      }
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("No ImageIO writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.saguaro.inference.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Random images encoded as JPEG or PNG, made in memory. */
public final class TestImages {

  private TestImages() {}

  public static byte[] png(int side, long seed) {
    return encode(side, seed, "png");
  }

  public static byte[] jpeg(int side, long seed) {
    return encode(side, seed, "jpg");
  }

  private static byte[] encode(int side, long seed, String format) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

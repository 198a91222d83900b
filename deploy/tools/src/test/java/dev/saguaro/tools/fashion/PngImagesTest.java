package dev.saguaro.tools.fashion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngImagesTest {

  @Test
  void pngDecodesToSamePixels() throws Exception {
    byte[] pixels = new byte[28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) i;
    }

    byte[] png = PngImages.encodeGray(pixels, 28, 28);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));

    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    assertThat(decoded.getWidth()).isEqualTo(28);
    assertThat(decoded.getHeight()).isEqualTo(28);
    assertThat(decoded.getRaster().getNumBands()).isEqualTo(1);
    assertThat(decodedPixels(decoded)).isEqualTo(pixels);
  }

  @Test
  void widthAndHeightKeepRowOrder() throws Exception {
    // Two rows of three: a swapped width and height would move these samples.
    byte[] pixels = {1, 2, 3, 4, 5, 6};

    BufferedImage decoded =
        ImageIO.read(new ByteArrayInputStream(PngImages.encodeGray(pixels, 3, 2)));

    assertThat(decoded.getWidth()).isEqualTo(3);
    assertThat(decoded.getHeight()).isEqualTo(2);
    assertThat(decoded.getRaster().getSample(2, 0, 0)).isEqualTo(3);
    assertThat(decoded.getRaster().getSample(0, 1, 0)).isEqualTo(4);
  }

  @Test
  void wrongPixelCountRejected() {
    assertThatThrownBy(() -> PngImages.encodeGray(new byte[5], 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 pixels do not make a 2x2 image");
  }

  /** Returns the samples of a decoded grayscale image, row by row. */
  static byte[] decodedPixels(BufferedImage image) {
    byte[] pixels = new byte[image.getWidth() * image.getHeight()];
    image.getRaster().getDataElements(0, 0, image.getWidth(), image.getHeight(), pixels);
    return pixels;
  }
}

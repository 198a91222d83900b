package dev.saguaro.ingest.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saguaro.ingest.TestImages;
import dev.saguaro.ingest.api.ProblemException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageInspectorTest {

  private final ImageInspector inspector = new ImageInspector(1 << 20, 1_000_000);

  private static byte[] encode(int width, int height, String format) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  @Test
  void jpegHeaderGivesWidthAndHeight() throws IOException {
    ImageInfo info = inspector.inspect("wide.jpg", encode(40, 24, "jpeg"));

    assertThat(info.format()).isEqualTo(ImageFormat.JPEG);
    assertThat(info.width()).isEqualTo(40);
    assertThat(info.height()).isEqualTo(24);
  }

  @Test
  void pngHeaderGivesWidthAndHeight() throws IOException {
    ImageInfo info = inspector.inspect("tall.png", encode(24, 40, "png"));

    assertThat(info.format()).isEqualTo(ImageFormat.PNG);
    assertThat(info.width()).isEqualTo(24);
    assertThat(info.height()).isEqualTo(40);
  }

  @Test
  void pixelLimitAppliesBeforeDecoding() {
    assertThatThrownBy(() -> inspector.inspect("bomb.png", TestImages.pngDeclaring(1001, 1000)))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("1001x1000");
  }

  @Test
  void jpegWithoutFrameHeaderIsCorrupt() {
    byte[] noFrame = {
      (byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xda, 0, 2, (byte) 0xff, (byte) 0xd9
    };

    assertThatThrownBy(() -> inspector.inspect("broken.jpg", noFrame))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("unreadable JPEG header");
  }
}

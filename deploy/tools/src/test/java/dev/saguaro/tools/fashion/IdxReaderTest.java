package dev.saguaro.tools.fashion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  @TempDir Path folder;

  @Test
  void readsGzipImagesWithDimensions() throws Exception {
    Path file = IdxFixtures.writeGzip(folder.resolve("images.gz"), IdxFixtures.imagesFile(3, 4, 5));

    IdxImages images = IdxReader.readImages(file);

    assertThat(images.count()).isEqualTo(3);
    assertThat(images.rows()).isEqualTo(4);
    assertThat(images.columns()).isEqualTo(5);
    assertThat(images.pixels()).isEqualTo(IdxFixtures.pixels(3, 4, 5));
  }

  @Test
  void imageReturnsOneImageRowByRow() throws Exception {
    Path file = IdxFixtures.writeGzip(folder.resolve("images.gz"), IdxFixtures.imagesFile(3, 2, 2));

    byte[] second = IdxReader.readImages(file).image(1);

    assertThat(second)
        .containsExactly(
            IdxFixtures.pixel(1, 0, 0),
            IdxFixtures.pixel(1, 0, 1),
            IdxFixtures.pixel(1, 1, 0),
            IdxFixtures.pixel(1, 1, 1));
  }

  @Test
  void readsUncompressedFiles() throws Exception {
    Path file = Files.write(folder.resolve("labels"), IdxFixtures.labelsFile(new byte[] {9, 0, 5}));

    assertThat(IdxReader.readLabels(file)).containsExactly(9, 0, 5);
  }

  @Test
  void labelsFileRejectedAsImages() throws Exception {
    Path labels =
        IdxFixtures.writeGzip(folder.resolve("labels.gz"), IdxFixtures.labelsFile(new byte[4]));

    assertThatThrownBy(() -> IdxReader.readImages(labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("magic number 0x00000801, expected 0x00000803");
  }

  @Test
  void imagesFileRejectedAsLabels() throws Exception {
    Path images =
        IdxFixtures.writeGzip(folder.resolve("images.gz"), IdxFixtures.imagesFile(1, 2, 2));

    assertThatThrownBy(() -> IdxReader.readLabels(images))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("expected 0x00000801");
  }

  @Test
  void truncatedPixelDataRejected() throws Exception {
    byte[] complete = IdxFixtures.imagesFile(2, 3, 3);
    Path file =
        IdxFixtures.writeGzip(
            folder.resolve("short.gz"), Arrays.copyOf(complete, complete.length - 1));

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("truncated: 17 of 18 data bytes");
  }

  @Test
  void truncatedHeaderRejected() throws Exception {
    Path file = Files.write(folder.resolve("header"), new byte[] {0, 0, 8});

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("header is incomplete");
  }

  @Test
  void trailingBytesRejected() throws Exception {
    byte[] complete = IdxFixtures.labelsFile(new byte[] {1, 2});
    Path file = Files.write(folder.resolve("long"), Arrays.copyOf(complete, complete.length + 1));

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("bytes after the 2 data bytes");
  }

  @Test
  void emptyFileRejected() throws Exception {
    Path file = Files.write(folder.resolve("empty"), new byte[0]);

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("header is incomplete");
  }
}

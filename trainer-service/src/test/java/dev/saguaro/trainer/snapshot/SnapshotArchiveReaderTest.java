package dev.saguaro.trainer.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.SnapshotManifest;
import dev.saguaro.trainer.data.LabeledImage;
import dev.saguaro.trainer.data.TrainingDataset;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class SnapshotArchiveReaderTest {

  private final SnapshotArchiveReader reader = new SnapshotArchiveReader();

  @Test
  void readsImagesWithSortedClassIndexes() throws IOException {
    byte[] zip =
        archive(
            List.of("cat", "dog"),
            "image_id,label,file\n"
                + "a,dog,a.png\n"
                + "b,cat,b.png\n"
                + "\"c\",\"dog\",\"c.png\"\n",
            Map.of("a.png", bytes(1), "b.png", bytes(2), "c.png", bytes(3)));

    TrainingDataset dataset = reader.read(new ByteArrayInputStream(zip));

    assertThat(dataset.snapshotId()).isEqualTo("snap-1");
    assertThat(dataset.classNames()).containsExactly("cat", "dog");
    assertThat(dataset.images()).extracting(LabeledImage::imageId).containsExactly("a", "b", "c");
    assertThat(dataset.images()).extracting(LabeledImage::classIndex).containsExactly(1, 0, 1);
    assertThat(dataset.images().get(1).encodedImage()).isEqualTo(bytes(2));
  }

  @Test
  void labelWithCommaAndQuoteSurvives() {
    assertThat(LabelsCsv.parseRow("x,\"a, \"\"b\"\"\",x.png", 2))
        .isEqualTo(new LabelsCsv.Row("x", "a, \"b\"", "x.png"));
  }

  @Test
  void oneClassIsRejected() throws IOException {
    byte[] zip =
        archive(
            List.of("cat", "dog"),
            "image_id,label,file\na,dog,a.png\nb,dog,b.png\n",
            Map.of("a.png", bytes(1), "b.png", bytes(2)));

    assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(zip)))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("one class only ([dog])");
  }

  @Test
  void noImagesIsRejected() throws IOException {
    byte[] zip = archive(List.of(), "image_id,label,file\n", Map.of());

    assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(zip)))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("has no labeled images");
  }

  @Test
  void missingImageEntryIsRejected() throws IOException {
    byte[] zip = archive(List.of("cat", "dog"), "image_id,label,file\na,dog,a.png\n", Map.of());

    assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(zip)))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("no entry images/a.png");
  }

  @Test
  void labelOutsideManifestIsRejected() throws IOException {
    byte[] zip =
        archive(
            List.of("cat", "dog"),
            "image_id,label,file\na,bird,a.png\n",
            Map.of("a.png", bytes(1)));

    assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(zip)))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("label 'bird'");
  }

  @Test
  void wrongHeaderIsRejected() throws IOException {
    byte[] zip = archive(List.of("cat", "dog"), "id,label\n", Map.of());

    assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(zip)))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("expected the header 'image_id,label,file'");
  }

  @Test
  void notZipIsRejected() {
    byte[] notZip = "PK\u0003\u0004 broken".getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(notZip)))
        .isInstanceOf(InvalidSnapshotException.class);
  }

  @Test
  void missingManifestIsRejected() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      put(zip, "labels.csv", "image_id,label,file\n".getBytes(StandardCharsets.UTF_8));
    }

    assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(bytes.toByteArray())))
        .isInstanceOf(InvalidSnapshotException.class)
        .hasMessageContaining("no manifest.json entry");
  }

  private static byte[] archive(List<String> classes, String labels, Map<String, byte[]> images)
      throws IOException {
    SnapshotManifest manifest =
        new SnapshotManifest(
            SchemaVersion.CURRENT,
            "snap-1",
            "default",
            images.size(),
            classes,
            new LinkedHashMap<>(),
            Instant.parse("2026-01-01T00:00:00Z"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      put(zip, "manifest.json", ContractCodec.encode(manifest).getBytes(StandardCharsets.UTF_8));
      put(zip, "labels.csv", labels.getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> image : images.entrySet()) {
        put(zip, "images/" + image.getKey(), image.getValue());
      }
    }
    return bytes.toByteArray();
  }

  private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }

  private static byte[] bytes(int value) {
    return new byte[] {(byte) value, (byte) (value + 1)};
  }
}

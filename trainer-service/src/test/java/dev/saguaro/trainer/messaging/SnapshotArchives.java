package dev.saguaro.trainer.messaging;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.SnapshotArchive;
import dev.saguaro.contracts.SnapshotManifest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Builds snapshot archives in the layout the ingest service streams, with generated PNG images that
 * a small network can tell apart: class "0" images are dark, class "1" images are bright with a
 * lighter square, both with seeded noise.
 */
public final class SnapshotArchives {

  private SnapshotArchives() {}

  /** A generated image with its label. */
  public record Example(String imageId, String label, byte[] png) {}

  /** Generates {@code perClass} images for each label in {@code labels}, seeded by {@code seed}. */
  public static List<Example> generate(List<String> labels, int perClass, int size, long seed) {
    Random random = new Random(seed);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < perClass; i++) {
      for (int classIndex = 0; classIndex < labels.size(); classIndex++) {
        String id = "img-" + labels.get(classIndex) + "-" + i;
        examples.add(new Example(id, labels.get(classIndex), png(classIndex, size, random)));
      }
    }
    return examples;
  }

  /**
   * Returns the archive zip of {@code examples} as snapshot {@code snapshotId} of {@code model}.
   */
  public static byte[] archive(String snapshotId, String modelName, List<Example> examples) {
    Map<String, Integer> counts = new TreeMap<>();
    examples.forEach(example -> counts.merge(example.label(), 1, Integer::sum));
    SnapshotManifest manifest =
        new SnapshotManifest(
            SchemaVersion.CURRENT,
            snapshotId,
            modelName,
            examples.size(),
            List.copyOf(counts.keySet()),
            new LinkedHashMap<>(counts),
            Instant.now());

    StringBuilder labels = new StringBuilder(SnapshotArchive.LABELS_HEADER).append('\n');
    for (Example example : examples) {
      labels
          .append(example.imageId())
          .append(',')
          .append(example.label())
          .append(',')
          .append(example.imageId())
          .append(".png\n");
    }

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      put(
          zip,
          SnapshotArchive.MANIFEST_ENTRY,
          ContractCodec.encode(manifest).getBytes(StandardCharsets.UTF_8));
      put(zip, SnapshotArchive.LABELS_ENTRY, labels.toString().getBytes(StandardCharsets.UTF_8));
      for (Example example : examples) {
        put(zip, SnapshotArchive.IMAGES_PREFIX + example.imageId() + ".png", example.png());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }

  private static byte[] png(int classIndex, int size, Random random) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int base = classIndex == 0 ? 50 : 170;
    int squareStart = size / 4 + random.nextInt(size / 4);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        boolean inSquare =
            classIndex == 1
                && x >= squareStart
                && x < squareStart + size / 3
                && y >= squareStart
                && y < squareStart + size / 3;
        int level = (inSquare ? 230 : base) + random.nextInt(41) - 20;
        int value = Math.max(0, Math.min(255, level));
        image.setRGB(x, y, (value << 16) | (value << 8) | Math.max(0, value - 30));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

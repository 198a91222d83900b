package dev.saguaro.trainer.snapshot;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.MalformedMessageException;
import dev.saguaro.contracts.SnapshotArchive;
import dev.saguaro.contracts.SnapshotManifest;
import dev.saguaro.contracts.UnsupportedSchemaVersionException;
import dev.saguaro.trainer.data.LabeledImage;
import dev.saguaro.trainer.data.TrainingDataset;
import io.quarkus.logging.Log;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads a streamed snapshot archive (see {@link SnapshotArchive}) into a {@link TrainingDataset}.
 *
 * <p>The zip is read entry by entry from the network stream, so the archive is never stored whole;
 * only the encoded images are kept, because training needs them all. Class indexes follow the
 * manifest's class names in sorted order, which is the order of the model's outputs. Stateless and
 * thread-safe.
 */
public final class SnapshotArchiveReader {

  /** Largest image entry accepted; larger entries point to a corrupt or hostile archive. */
  static final int MAX_IMAGE_BYTES = 32 * 1024 * 1024;

  /**
   * Reads {@code archive} to its end.
   *
   * @throws InvalidSnapshotException when the archive is not a readable snapshot with images of at
   *     least two classes
   * @throws IOException when the stream breaks, which a new download may fix
   */
  public TrainingDataset read(InputStream archive) throws IOException {
    SnapshotManifest manifest = null;
    List<LabelsCsv.Row> rows = null;
    Map<String, byte[]> imagesByFile = new HashMap<>();

    try (ZipInputStream zip = new ZipInputStream(archive, StandardCharsets.UTF_8)) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        String name = entry.getName();
        if (entry.isDirectory()) {
          continue;
        }
        if (name.equals(SnapshotArchive.MANIFEST_ENTRY)) {
          manifest = parseManifest(zip.readAllBytes());
        } else if (name.equals(SnapshotArchive.LABELS_ENTRY)) {
          rows = parseLabels(zip.readAllBytes());
        } else if (name.startsWith(SnapshotArchive.IMAGES_PREFIX)) {
          imagesByFile.put(
              name.substring(SnapshotArchive.IMAGES_PREFIX.length()), readImage(zip, name));
        } else {
          Log.debugf("Snapshot archive entry %s is not part of the layout; skipped", name);
        }
      }

      // ZipInputStream stops before the central directory. Reading the rest lets the ingest
      // service finish its response instead of logging a failed write for every download.
      archive.transferTo(OutputStream.nullOutputStream());
    } catch (ZipException e) {
      throw new InvalidSnapshotException(
          "The snapshot archive is not a readable zip (" + e.getMessage() + ")", e);
    }

    if (manifest == null) {
      throw new InvalidSnapshotException(
          "The snapshot archive has no " + SnapshotArchive.MANIFEST_ENTRY + " entry");
    }
    if (rows == null) {
      throw new InvalidSnapshotException(
          "The snapshot archive has no " + SnapshotArchive.LABELS_ENTRY + " entry");
    }
    return assemble(manifest, rows, imagesByFile);
  }

  private static TrainingDataset assemble(
      SnapshotManifest manifest, List<LabelsCsv.Row> rows, Map<String, byte[]> imagesByFile) {
    List<String> classNames = sortedClassNames(manifest);
    Map<String, Integer> classIndexes = new HashMap<>();
    for (int i = 0; i < classNames.size(); i++) {
      classIndexes.put(classNames.get(i), i);
    }

    List<LabeledImage> images = new ArrayList<>(rows.size());
    Map<String, Integer> countsByClass = new LinkedHashMap<>();
    for (LabelsCsv.Row row : rows) {
      Integer classIndex = classIndexes.get(row.label());
      if (classIndex == null) {
        throw new InvalidSnapshotException(
            "Image "
                + row.imageId()
                + " has label '"
                + row.label()
                + "', which is not among the manifest's classes "
                + classNames);
      }
      byte[] encoded = imagesByFile.get(row.file());
      if (encoded == null) {
        throw new InvalidSnapshotException(
            "labels.csv names file "
                + row.file()
                + " for image "
                + row.imageId()
                + ", but the archive has no entry "
                + SnapshotArchive.IMAGES_PREFIX
                + row.file());
      }
      images.add(new LabeledImage(row.imageId(), encoded, classIndex));
      countsByClass.merge(row.label(), 1, Integer::sum);
    }

    if (images.isEmpty()) {
      throw new InvalidSnapshotException(
          "Snapshot "
              + manifest.snapshotId()
              + " has no labeled images; upload labeled images and request a new run");
    }
    if (countsByClass.size() < 2) {
      throw new InvalidSnapshotException(
          "Snapshot "
              + manifest.snapshotId()
              + " has images of one class only ("
              + countsByClass.keySet()
              + "); a classifier needs at least two classes, so upload images of another class"
              + " and request a new run");
    }
    if (imagesByFile.size() > images.size()) {
      Log.warnf(
          "Snapshot %s: %d image entries have no row in labels.csv and are not used",
          manifest.snapshotId(), imagesByFile.size() - images.size());
    }
    return new TrainingDataset(manifest.snapshotId(), classNames, images);
  }

  private static List<String> sortedClassNames(SnapshotManifest manifest) {
    if (manifest.classNames() == null) {
      throw new InvalidSnapshotException(
          "The manifest of snapshot " + manifest.snapshotId() + " lists no class names");
    }
    // The contract promises sorted names; sorting again costs nothing and makes the order certain.
    return List.copyOf(new TreeSet<>(manifest.classNames()));
  }

  private static SnapshotManifest parseManifest(byte[] json) {
    try {
      return ContractCodec.decode(new String(json, StandardCharsets.UTF_8), SnapshotManifest.class);
    } catch (MalformedMessageException | UnsupportedSchemaVersionException e) {
      throw new InvalidSnapshotException(
          "The snapshot's " + SnapshotArchive.MANIFEST_ENTRY + " is unreadable: " + e.getMessage(),
          e);
    }
  }

  private static List<LabelsCsv.Row> parseLabels(byte[] csv) throws IOException {
    List<LabelsCsv.Row> rows = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(new ByteArrayInputStream(csv), StandardCharsets.UTF_8))) {
      String header = reader.readLine();
      if (header == null || !stripBom(header).trim().equals(SnapshotArchive.LABELS_HEADER)) {
        throw new InvalidSnapshotException(
            "labels.csv starts with '"
                + header
                + "', expected the header '"
                + SnapshotArchive.LABELS_HEADER
                + "'");
      }
      int lineNumber = 1;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (!line.isBlank()) {
          rows.add(LabelsCsv.parseRow(line, lineNumber));
        }
      }
    }
    return rows;
  }

  private static byte[] readImage(ZipInputStream zip, String name) throws IOException {
    byte[] bytes = zip.readNBytes(MAX_IMAGE_BYTES + 1);
    if (bytes.length > MAX_IMAGE_BYTES) {
      throw new InvalidSnapshotException(
          "Archive entry " + name + " is larger than " + MAX_IMAGE_BYTES + " bytes");
    }
    return bytes;
  }

  private static String stripBom(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }
}

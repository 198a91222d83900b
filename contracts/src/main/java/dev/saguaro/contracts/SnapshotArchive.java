package dev.saguaro.contracts;

/**
 * Layout of the zip that the ingest service streams for a dataset snapshot, read by the trainer.
 *
 * <p>Entries come in this order: {@link #MANIFEST_ENTRY} (a JSON {@link SnapshotManifest}), then
 * {@link #LABELS_ENTRY} (CSV with the header {@code image_id,label,file}, quoted as {@link CsvLine}
 * writes it), then one entry per image under {@link #IMAGES_PREFIX}, named by the CSV's {@code
 * file} column.
 */
public final class SnapshotArchive {

  public static final String MANIFEST_ENTRY = "manifest.json";
  public static final String LABELS_ENTRY = "labels.csv";
  public static final String LABELS_HEADER = "image_id,label,file";
  public static final String IMAGES_PREFIX = "images/";

  private SnapshotArchive() {}
}

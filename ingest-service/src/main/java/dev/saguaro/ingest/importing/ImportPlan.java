package dev.saguaro.ingest.importing;

import java.nio.file.Path;
import java.util.List;

/**
 * An archive that passed the structural checks, with the label of every image entry in it.
 *
 * @param archive the spooled zip; the import deletes it when done
 * @param layout {@link #KAGGLE_CSV} or {@link #CLASS_FOLDERS}
 * @param items image entries in archive order
 */
public record ImportPlan(Path archive, long archiveBytes, String layout, List<ImportItem> items) {

  /** A CSV with an id and a label column beside a folder of images. */
  public static final String KAGGLE_CSV = "kaggle-csv";

  /** One folder per class, named after the label. */
  public static final String CLASS_FOLDERS = "class-folders";

  /** One image entry and the label it gets. */
  public record ImportItem(String entryName, String label, long declaredSize) {}
}

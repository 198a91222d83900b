package dev.saguaro.ingest.domain;

import dev.saguaro.ingest.api.ProblemException;
import java.util.regex.Pattern;

/** Rules for dataset names and labels, which appear in paths, CSV files and folder names. */
public final class Names {

  private static final Pattern DATASET = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
  private static final Pattern LABEL = Pattern.compile("[\\p{L}\\p{N}_][\\p{L}\\p{N}_.+-]{0,99}");

  private Names() {}

  /** Checks a dataset (and model) name. */
  public static String requireDatasetName(String name) {
    if (name == null || !DATASET.matcher(name).matches()) {
      throw ProblemException.badRequest(
          "invalid-dataset-name",
          "Dataset name '"
              + name
              + "' is invalid; use 1 to 63 lowercase letters, digits, '_', '.' or '-',"
              + " starting with a letter or digit");
    }
    return name;
  }

  /** Checks the form of a label; whether the dataset accepts it is the dataset's rule. */
  public static String requireLabel(String label, String where) {
    if (label == null || label.isBlank()) {
      throw ProblemException.badRequest(
          "missing-label", "The label is missing" + where + "; give each image a class name");
    }
    if (!LABEL.matcher(label).matches()) {
      throw ProblemException.badRequest(
          "invalid-label",
          "Label '"
              + label
              + "'"
              + where
              + " is invalid; use 1 to 100 letters, digits, '_', '.', '+' or '-', starting"
              + " with a letter, digit or '_'");
    }
    return label;
  }
}

package dev.saguaro.trainer.snapshot;

import dev.saguaro.contracts.CsvLine;
import java.util.List;

/**
 * Parser of the snapshot's {@code labels.csv} lines (RFC 4180: fields may be quoted, and a quote
 * inside a quoted field is doubled). Labels are free text, so commas and quotes must survive.
 */
final class LabelsCsv {

  private LabelsCsv() {}

  /** One row of {@code labels.csv}: {@code image_id,label,file}. */
  record Row(String imageId, String label, String file) {}

  /**
   * Parses one line into its fields.
   *
   * @throws InvalidSnapshotException when a quoted field is not closed
   */
  static List<String> splitFields(String line, int lineNumber) {
    try {
      return CsvLine.split(line);
    } catch (IllegalArgumentException e) {
      throw new InvalidSnapshotException(
          "labels.csv line " + lineNumber + " has an unclosed quote; the archive is corrupt");
    }
  }

  /** Parses a data line into a row of exactly three fields. */
  static Row parseRow(String line, int lineNumber) {
    List<String> fields = splitFields(line, lineNumber);
    if (fields.size() != 3) {
      throw new InvalidSnapshotException(
          "labels.csv line "
              + lineNumber
              + " has "
              + fields.size()
              + " fields, expected 3 (image_id,label,file)");
    }
    return new Row(fields.get(0), fields.get(1), fields.get(2));
  }
}

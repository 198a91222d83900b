package dev.saguaro.trainer.snapshot;

import java.util.ArrayList;
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
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;

    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new InvalidSnapshotException(
          "labels.csv line " + lineNumber + " has an unclosed quote; the archive is corrupt");
    }
    fields.add(field.toString());
    return fields;
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

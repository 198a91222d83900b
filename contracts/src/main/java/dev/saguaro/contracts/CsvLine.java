package dev.saguaro.contracts;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of comma-separated values with RFC 4180 quoting: a field may be enclosed in double
 * quotes, and a double quote inside such a field is doubled. Line breaks inside quoted fields are
 * not supported, because the files that the services exchange keep one record per line.
 */
public final class CsvLine {

  private CsvLine() {}

  /**
   * Splits {@code line} into its fields, unquoted and untrimmed.
   *
   * @throws IllegalArgumentException when a quoted field is not closed
   */
  public static List<String> split(String line) {
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
      throw new IllegalArgumentException("a double-quoted field is not closed");
    }
    fields.add(field.toString());
    return fields;
  }

  /**
   * Joins {@code fields} into one line without its line break, quoting each field that contains a
   * comma or a double quote.
   *
   * @throws IllegalArgumentException when a field contains a line break
   */
  public static String join(String... fields) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      String field = fields[i];
      if (field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(
            "CSV field " + (i + 1) + " contains a line break, which one-line records cannot hold");
      }
      if (i > 0) {
        line.append(',');
      }
      if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0) {
        line.append('"').append(field.replace("\"", "\"\"")).append('"');
      } else {
        line.append(field);
      }
    }
    return line.toString();
  }
}

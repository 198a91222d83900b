package dev.saguaro.contracts;

/**
 * Version of the message contracts, written as {@code MAJOR.MINOR} in every record's {@code
 * schemaVersion} field.
 *
 * <p>A minor bump adds optional fields, which older readers ignore. A major bump changes meaning,
 * so a reader rejects a major version other than its own instead of guessing.
 */
public final class SchemaVersion {

  public static final int CURRENT_MAJOR = 1;
  public static final String CURRENT = CURRENT_MAJOR + ".0";

  private SchemaVersion() {}

  /**
   * Returns the major part of {@code version}.
   *
   * @throws UnsupportedSchemaVersionException when the value is missing or not {@code MAJOR.MINOR}
   */
  public static int majorOf(String version) {
    if (version == null || version.isBlank()) {
      throw new UnsupportedSchemaVersionException(version, "the schemaVersion field is missing");
    }
    int dot = version.indexOf('.');
    String major = dot < 0 ? version : version.substring(0, dot);
    try {
      return Integer.parseInt(major.trim());
    } catch (NumberFormatException e) {
      throw new UnsupportedSchemaVersionException(version, "expected MAJOR.MINOR, such as 1.0");
    }
  }

  /**
   * Checks that {@code version} has the major version this build reads.
   *
   * @throws UnsupportedSchemaVersionException otherwise
   */
  public static void requireSupported(String version) {
    int major = majorOf(version);
    if (major != CURRENT_MAJOR) {
      throw new UnsupportedSchemaVersionException(
          version,
          "this build reads major version "
              + CURRENT_MAJOR
              + "; upgrade the consumer or republish the record with a compatible producer");
    }
  }
}

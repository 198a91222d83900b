package dev.saguaro.contracts;

/** Thrown when a record's {@code schemaVersion} cannot be read by this build. */
public class UnsupportedSchemaVersionException extends RuntimeException {

  private final String schemaVersion;

  public UnsupportedSchemaVersionException(String schemaVersion, String reason) {
    super("Unsupported schemaVersion '" + schemaVersion + "': " + reason);
    this.schemaVersion = schemaVersion;
  }

  /** The value found in the record, possibly {@code null}. */
  public String schemaVersion() {
    return schemaVersion;
  }
}

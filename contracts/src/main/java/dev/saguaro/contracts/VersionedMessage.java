package dev.saguaro.contracts;

/** A Kafka record whose JSON carries the contract version it was written with. */
public interface VersionedMessage {

  /** Contract version as {@code MAJOR.MINOR}; see {@link SchemaVersion}. */
  String schemaVersion();
}

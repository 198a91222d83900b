package dev.saguaro.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Facts stored inside a model artifact at {@link ModelSignatures#METADATA_ENTRY}, so that an
 * artifact describes itself wherever it is copied.
 *
 * @param version the version number, or 0 in an artifact as the trainer writes it: the ingest
 *     service numbers a version only once the zip and its SHA-256 are final, so readers take the
 *     number from the {@link ModelArtifact} they were given
 * @param classNames class names in the order of the probability vector
 * @param imageSize side of the square network input, in pixels
 * @param hyperparameters the settings the run used, with every field filled in
 * @param finalMetrics metrics of the last epoch, if any
 */
public record ModelMetadata(
    String schemaVersion,
    String modelName,
    long version,
    List<String> classNames,
    int imageSize,
    TrainingHyperparameters hyperparameters,
    String runId,
    String snapshotId,
    EpochMetrics finalMetrics,
    Instant createdAt)
    implements VersionedMessage {}

package dev.saguaro.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Description of an immutable dataset snapshot, the first entry of its archive.
 *
 * @param classNames the snapshot's classes, sorted; their order is the order of model outputs
 * @param classCounts images per class
 */
public record SnapshotManifest(
    String schemaVersion,
    String snapshotId,
    String modelName,
    int imageCount,
    List<String> classNames,
    Map<String, Integer> classCounts,
    Instant createdAt)
    implements VersionedMessage {}

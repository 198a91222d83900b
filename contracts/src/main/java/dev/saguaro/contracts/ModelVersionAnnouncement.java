package dev.saguaro.contracts;

import java.time.Instant;

/**
 * Tells every inference replica which version of a model exists or is pinned. Published on the
 * compacted topic {@link Topics#MODEL_VERSIONS}.
 *
 * <p>Two keys per model keep both facts after compaction: {@link #latestKey(String)} carries the
 * newest {@link AnnouncementKind#NEW_VERSION}, and {@link #pinKey(String)} carries the latest
 * {@link AnnouncementKind#PINNED} or {@link AnnouncementKind#PIN_RELEASED}. A replica serves the
 * pinned version when a pin is in force, and the newest version otherwise.
 *
 * @param model the version announced; {@code null} for {@link AnnouncementKind#PIN_RELEASED}
 * @param runId run that produced the version, if any
 * @param snapshotId dataset snapshot the version was trained on, if any
 * @param validationAccuracy final validation accuracy, if known
 * @param validationAuc final validation ROC AUC of a binary task, if known
 */
public record ModelVersionAnnouncement(
    String schemaVersion,
    String modelName,
    AnnouncementKind kind,
    ModelArtifact model,
    String runId,
    String snapshotId,
    Double validationAccuracy,
    Double validationAuc,
    String announcedBy,
    Instant announcedAt)
    implements VersionedMessage {

  /** Record key of a model's newest version. */
  public static String latestKey(String modelName) {
    return modelName;
  }

  /** Record key of a model's pin state. */
  public static String pinKey(String modelName) {
    return modelName + "#pin";
  }

  /** The key this announcement is published under. */
  public String key() {
    return kind == AnnouncementKind.NEW_VERSION ? latestKey(modelName) : pinKey(modelName);
  }
}

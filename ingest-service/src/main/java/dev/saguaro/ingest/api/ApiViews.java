package dev.saguaro.ingest.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.RunTrigger;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.ingest.storage.RunState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** JSON documents of the REST API, requests and responses. */
public final class ApiViews {

  private ApiViews() {}

  /** A stored image; {@code duplicate} is set on upload responses only. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ImageView(
      UUID id,
      String dataset,
      String label,
      String sha256,
      String format,
      int width,
      int height,
      long sizeBytes,
      String originalName,
      UUID importId,
      String uploadedBy,
      Instant uploadedAt,
      Instant labeledAt,
      String contentUrl,
      Boolean duplicate) {}

  /** One page of a list. */
  public record PageView<T>(List<T> items, int page, int size, long totalItems, long totalPages) {}

  /** Body of POST /api/v1/datasets. */
  public record CreateDatasetRequest(String name, List<String> classes) {}

  /** A dataset; {@code classes} is empty when any label is accepted. */
  public record DatasetView(
      String name,
      List<String> classes,
      long imageCount,
      Map<String, Long> classCounts,
      Instant createdAt) {}

  /** Body of PUT /api/v1/images/{id}/label. */
  public record RelabelRequest(String label) {}

  /** A file of an import that was not stored, and why. */
  public record RejectionView(String file, String reason) {}

  /** Progress and report of an import. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ImportView(
      UUID id,
      String dataset,
      String layout,
      String state,
      long archiveBytes,
      int totalFiles,
      int processedFiles,
      double progress,
      int accepted,
      int duplicates,
      int rejected,
      List<RejectionView> rejections,
      String failureReason,
      Double imagesPerSecond,
      String requestedBy,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt,
      String statusUrl) {}

  /** An immutable snapshot. */
  public record SnapshotView(
      UUID id,
      String dataset,
      int imageCount,
      List<String> classNames,
      Map<String, Integer> classCounts,
      String createdBy,
      Instant createdAt,
      String archiveUrl) {}

  /**
   * Body of POST /api/v1/runs.
   *
   * @param modelName dataset and model name; {@code default} when missing
   * @param snapshotId snapshot to train on; a new snapshot is taken when missing
   * @param hyperparameters overrides of the reference recipe; missing fields keep its values
   */
  public record CreateRunRequest(
      String modelName, UUID snapshotId, TrainingHyperparameters hyperparameters) {}

  /** A training run with its progress. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RunView(
      UUID id,
      String modelName,
      UUID snapshotId,
      RunState state,
      RunTrigger trigger,
      String requestedBy,
      int attempt,
      TrainingHyperparameters hyperparameters,
      String trainerId,
      Integer phase,
      Integer epoch,
      Integer totalEpochs,
      List<EpochMetrics> metricsHistory,
      Long modelVersion,
      String failureReason,
      Instant createdAt,
      Instant claimedAt,
      Instant lastEventAt,
      Instant finishedAt) {}

  /** Body of POST /api/v1/runs/{id}/claims. */
  public record ClaimRequest(String trainerId, Integer attempt) {}

  /** Response of a granted claim. */
  public record ClaimView(UUID runId, int attempt, RunState state, long leaseSeconds) {}

  /** A model version with what produced it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelVersionView(
      String modelName,
      long version,
      UUID runId,
      UUID snapshotId,
      String sha256,
      long sizeBytes,
      List<String> classNames,
      int imageSize,
      String artifactUri,
      boolean pinned,
      EpochMetrics finalMetrics,
      String uploadedBy,
      Instant createdAt) {}

  /** A model with its newest and pinned versions. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelView(String modelName, Long latestVersion, Long pinnedVersion) {}

  /** Body of PUT /api/v1/models/{name}/pin. */
  public record PinRequest(Long version) {}

  /** A pin in force. */
  public record PinView(String modelName, long version, String pinnedBy, Instant pinnedAt) {}
}

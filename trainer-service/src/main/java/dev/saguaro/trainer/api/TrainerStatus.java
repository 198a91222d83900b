package dev.saguaro.trainer.api;

import dev.saguaro.contracts.EpochMetrics;
import java.time.Instant;
import java.util.List;

/**
 * Current work of this trainer instance.
 *
 * @param busySlots run slots in use, claims in progress included
 * @param activeRuns attempts on this trainer, oldest first
 */
public record TrainerStatus(
    String trainerId, int maxConcurrentRuns, int busySlots, List<RunStatus> activeRuns) {

  /**
   * One attempt on this trainer.
   *
   * @param stage where the attempt is (claiming, downloading, training, ...)
   * @param phase current phase (1 or 2), or {@code null} before training
   * @param epoch last completed epoch counted across phases, 0 before the first
   * @param lastEpoch figures of the last completed epoch, or {@code null}
   */
  public record RunStatus(
      String runId,
      int attempt,
      String modelName,
      String snapshotId,
      String stage,
      Integer phase,
      int epoch,
      int totalEpochs,
      boolean cancellationRequested,
      Instant since,
      EpochMetrics lastEpoch) {}
}

package dev.saguaro.trainer.messaging;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.RunTrigger;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.TrainingCancellation;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.TrainingRequest;
import dev.saguaro.contracts.WeightInitialization;
import java.time.Instant;
import java.util.UUID;

/** Training requests and cancellations as the ingest service writes them, for tests. */
public final class TrainingRequests {

  private TrainingRequests() {}

  /**
   * Settings of a tiny run: alpha 0.35, 32x32 input, one epoch per phase, random initialisation.
   * Phase 1 trains the whole network, the recipe's default for a random start.
   */
  public static TrainingHyperparameters tinyRecipe() {
    return tinyRecipe(1);
  }

  /** {@link #tinyRecipe()} with {@code phase1Epochs} epochs in phase 1. */
  public static TrainingHyperparameters tinyRecipe(int phase1Epochs) {
    return new TrainingHyperparameters(
        0.35,
        32,
        32,
        0.1,
        42L,
        1_000,
        phase1Epochs,
        1e-3,
        1,
        1e-4,
        100,
        WeightInitialization.RANDOM,
        true);
  }

  /** A first-attempt request of {@code runId} for {@code snapshotId} served by the stand-in. */
  public static TrainingRequest request(
      IngestEndpointsStandIn standIn,
      String runId,
      String modelName,
      String snapshotId,
      TrainingHyperparameters hyperparameters) {
    return new TrainingRequest(
        SchemaVersion.CURRENT,
        UUID.randomUUID().toString(),
        runId,
        1,
        modelName,
        snapshotId,
        standIn.archiveUri(snapshotId),
        hyperparameters,
        RunTrigger.MANUAL,
        "test",
        Instant.now());
  }

  public static String encode(TrainingRequest request) {
    return ContractCodec.encode(request);
  }

  public static String cancellation(String runId) {
    return ContractCodec.encode(
        new TrainingCancellation(SchemaVersion.CURRENT, runId, "test", Instant.now()));
  }

  /** Returns a fresh id that starts with {@code prefix}. */
  public static String newId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}

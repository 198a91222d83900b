package dev.saguaro.contracts;

import java.time.Instant;

/**
 * Asks a trainer to run one training attempt. Published by the ingest service's outbox on {@link
 * Topics#TRAINING_REQUESTS}, keyed by {@code runId}.
 *
 * <p>A run may be requested more than once (an outbox relay retry, or a re-queue after a trainer
 * died); trainers claim the attempt at the ingest service before they start, so a redelivered
 * request never starts a second training.
 *
 * @param requestId id of this outbox message, unique per publication attempt of the relay
 * @param runId id of the training run in the ingest service
 * @param attempt 1 for the first attempt, incremented on each re-queue
 * @param modelName name of the model the run trains a version of
 * @param snapshotId id of the immutable dataset snapshot to train on
 * @param snapshotArchiveUri absolute URI of the snapshot's streamed archive at the ingest service
 * @param hyperparameters settings with every field filled in
 * @param trigger what asked for the run
 * @param requestedBy the user, API key name or component that asked
 */
public record TrainingRequest(
    String schemaVersion,
    String requestId,
    String runId,
    int attempt,
    String modelName,
    String snapshotId,
    String snapshotArchiveUri,
    TrainingHyperparameters hyperparameters,
    RunTrigger trigger,
    String requestedBy,
    Instant requestedAt)
    implements VersionedMessage {}

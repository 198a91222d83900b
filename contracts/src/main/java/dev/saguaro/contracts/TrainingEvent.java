package dev.saguaro.contracts;

import java.time.Instant;

/**
 * Progress or outcome of one training attempt. Published by trainers on {@link
 * Topics#TRAINING_EVENTS}, keyed by run id, so that the events of a run stay in order.
 *
 * <p>{@code sequence} grows by one per event of an attempt; consumers apply an event once by
 * remembering the highest {@code (attempt, sequence)} they have applied.
 *
 * @param eventId unique id of this event
 * @param trainerId id of the trainer instance that runs the attempt
 * @param phase current phase (1 or 2), or {@code null} before training starts
 * @param metrics set on {@link TrainingEventType#EPOCH_COMPLETED}
 * @param model set on {@link TrainingEventType#SUCCEEDED}
 * @param reason human-readable cause, set on {@link TrainingEventType#FAILED}
 */
public record TrainingEvent(
    String schemaVersion,
    String eventId,
    String runId,
    int attempt,
    long sequence,
    TrainingEventType type,
    String trainerId,
    Instant occurredAt,
    Integer phase,
    Integer totalEpochs,
    EpochMetrics metrics,
    ModelArtifact model,
    String reason)
    implements VersionedMessage {}

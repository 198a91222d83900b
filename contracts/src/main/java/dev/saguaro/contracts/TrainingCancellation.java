package dev.saguaro.contracts;

import java.time.Instant;

/**
 * Asks whichever trainer runs {@code runId} to stop at its next batch. Published by the ingest
 * service on {@link Topics#TRAINING_CONTROL}, keyed by run id. Every trainer instance reads the
 * whole topic (its own consumer group), because only the one running the run knows it.
 */
public record TrainingCancellation(
    String schemaVersion, String runId, String requestedBy, Instant requestedAt)
    implements VersionedMessage {}

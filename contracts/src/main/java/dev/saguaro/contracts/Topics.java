package dev.saguaro.contracts;

/**
 * Kafka topics that the services share, with the key each one uses.
 *
 * <p>Services bind these names to their own channel names in {@code application.properties}; the
 * constants here are the defaults and the single place where the names are written down.
 */
public final class Topics {

  /** {@link TrainingRequest} records from the ingest service's outbox, keyed by run id. */
  public static final String TRAINING_REQUESTS = "saguaro.training-requests";

  /**
   * {@link TrainingEvent} records from the trainers (progress, heartbeats, outcome), keyed by run
   * id.
   */
  public static final String TRAINING_EVENTS = "saguaro.training-events";

  /** {@link TrainingCancellation} records from the ingest service, keyed by run id. */
  public static final String TRAINING_CONTROL = "saguaro.training-control";

  /**
   * {@link ModelVersionAnnouncement} records, compacted, keyed by {@link
   * ModelVersionAnnouncement#latestKey(String)} or {@link ModelVersionAnnouncement#pinKey(String)}
   * so that a replica that starts late reads the newest version and the pin state of every model.
   */
  public static final String MODEL_VERSIONS = "saguaro.model-versions";

  private Topics() {}
}

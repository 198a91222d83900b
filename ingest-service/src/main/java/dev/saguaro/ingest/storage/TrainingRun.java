package dev.saguaro.ingest.storage;

import dev.saguaro.contracts.RunTrigger;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A request to train a new version of a model on one snapshot, and its progress. */
@Entity
@Table(name = "training_run")
public class TrainingRun extends PanacheEntityBase {

  @Id public UUID id;

  @Column(name = "model_name")
  public String modelName;

  @Column(name = "snapshot_id")
  public UUID snapshotId;

  @Enumerated(EnumType.STRING)
  public RunState state;

  /** What asked for the run first; re-queued attempts keep it (their request says RETRY). */
  @Enumerated(EnumType.STRING)
  @Column(name = "run_trigger")
  public RunTrigger trigger;

  @Column(name = "requested_by")
  public String requestedBy;

  /** 1 for the first attempt, incremented on each re-queue. */
  public int attempt;

  /** JSON of the settings with every field filled in. */
  public String hyperparameters;

  @Column(name = "trainer_id")
  public String trainerId;

  public Integer phase;
  public Integer epoch;

  @Column(name = "total_epochs")
  public Integer totalEpochs;

  /** Attempt of the newest applied event; with the sequence it makes redelivery harmless. */
  @Column(name = "last_event_attempt")
  public int lastEventAttempt;

  @Column(name = "last_event_sequence")
  public long lastEventSequence = -1;

  /** Time of the claim or of the newest event; the lease runs from here. */
  @Column(name = "last_event_at")
  public Instant lastEventAt;

  @Column(name = "model_version")
  public Long modelVersion;

  @Column(name = "failure_reason")
  public String failureReason;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "claimed_at")
  public Instant claimedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(name = "updated_at")
  public Instant updatedAt;
}

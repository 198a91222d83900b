package dev.saguaro.ingest.storage;

import dev.saguaro.contracts.EpochMetrics;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** Figures of one finished epoch of one attempt of a run. */
@Entity
@Table(name = "run_epoch_metrics")
public class RunEpochMetrics extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "run_id")
  public UUID runId;

  public int attempt;
  public int phase;
  public int epoch;

  @Column(name = "train_loss")
  public double trainLoss;

  @Column(name = "train_accuracy")
  public double trainAccuracy;

  @Column(name = "validation_loss")
  public double validationLoss;

  @Column(name = "validation_accuracy")
  public double validationAccuracy;

  @Column(name = "validation_auc")
  public Double validationAuc;

  @Column(name = "duration_seconds")
  public double durationSeconds;

  @Column(name = "images_per_second")
  public double imagesPerSecond;

  @Column(name = "recorded_at")
  public Instant recordedAt;

  /** Returns these figures as the contract record. */
  public EpochMetrics toContract() {
    return new EpochMetrics(
        phase,
        epoch,
        trainLoss,
        trainAccuracy,
        validationLoss,
        validationAccuracy,
        validationAuc,
        durationSeconds,
        imagesPerSecond);
  }
}

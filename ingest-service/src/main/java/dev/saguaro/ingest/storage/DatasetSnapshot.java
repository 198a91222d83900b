package dev.saguaro.ingest.storage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * The images and labels of a dataset at one moment. Never changed after it is created; its rows
 * live in {@code snapshot_image}.
 */
@Entity
@Table(name = "dataset_snapshot")
public class DatasetSnapshot extends PanacheEntityBase {

  @Id public UUID id;

  @Column(name = "dataset_name")
  public String datasetName;

  @Column(name = "image_count")
  public int imageCount;

  /** JSON object from class name to image count. */
  @Column(name = "class_counts")
  public String classCounts;

  @Column(name = "created_by")
  public String createdBy;

  @Column(name = "created_at")
  public Instant createdAt;
}

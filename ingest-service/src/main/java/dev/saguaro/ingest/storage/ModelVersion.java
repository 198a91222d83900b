package dev.saguaro.ingest.storage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A stored model artifact, numbered 1, 2, ... per model name. */
@Entity
@Table(name = "model_version")
public class ModelVersion extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "model_name")
  public String modelName;

  public long version;

  @Column(name = "run_id")
  public UUID runId;

  @Column(name = "snapshot_id")
  public UUID snapshotId;

  /** Lowercase hex SHA-256 of the artifact zip, also its blob store key. */
  public String sha256;

  @Column(name = "size_bytes")
  public long sizeBytes;

  /** JSON array of class names in the order of the probability vector. */
  @Column(name = "class_names")
  public String classNames;

  @Column(name = "image_size")
  public int imageSize;

  @Column(name = "uploaded_by")
  public String uploadedBy;

  @Column(name = "created_at")
  public Instant createdAt;
}

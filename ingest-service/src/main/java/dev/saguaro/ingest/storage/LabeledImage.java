package dev.saguaro.ingest.storage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One image of a dataset with its label; the bytes live in the blob store under {@code sha256}. */
@Entity
@Table(name = "labeled_image")
public class LabeledImage extends PanacheEntityBase {

  @Id public UUID id;

  @Column(name = "dataset_name")
  public String datasetName;

  public String sha256;
  public String label;

  /** {@code jpeg} or {@code png}. */
  public String format;

  public int width;
  public int height;

  @Column(name = "size_bytes")
  public long sizeBytes;

  @Column(name = "original_name")
  public String originalName;

  @Column(name = "import_id")
  public UUID importId;

  @Column(name = "uploaded_by")
  public String uploadedBy;

  @Column(name = "uploaded_at")
  public Instant uploadedAt;

  /** When the current label was set: the upload time, or the time of the last relabel. */
  @Column(name = "labeled_at")
  public Instant labeledAt;
}

package dev.saguaro.ingest.storage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One bulk import of an archive: its progress while it runs and its report when done. */
@Entity
@Table(name = "import_job")
public class ImportJob extends PanacheEntityBase {

  /** Stages of an import. */
  public enum State {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED
  }

  @Id public UUID id;

  @Column(name = "dataset_name")
  public String datasetName;

  /** {@code kaggle-csv} or {@code class-folders}. */
  public String layout;

  @Enumerated(EnumType.STRING)
  public State state;

  @Column(name = "archive_bytes")
  public long archiveBytes;

  @Column(name = "total_files")
  public int totalFiles;

  @Column(name = "processed_files")
  public int processedFiles;

  public int accepted;
  public int duplicates;
  public int rejected;

  /** JSON array of {@code {"file", "reason"}} objects. */
  public String rejections = "[]";

  @Column(name = "failure_reason")
  public String failureReason;

  @Column(name = "requested_by")
  public String requestedBy;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;
}

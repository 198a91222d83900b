package dev.saguaro.ingest.storage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A named set of labeled images; its name is also the name of the model trained on it. */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {

  @Id public String name;

  /** JSON array of the accepted class names, or {@code null} when any label is accepted. */
  @Column(name = "declared_classes")
  public String declaredClasses;

  @Column(name = "created_at")
  public Instant createdAt;
}

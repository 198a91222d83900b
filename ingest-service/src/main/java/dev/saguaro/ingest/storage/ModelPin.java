package dev.saguaro.ingest.storage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The version of a model to serve instead of the newest, while the pin lasts. */
@Entity
@Table(name = "model_pin")
public class ModelPin extends PanacheEntityBase {

  @Id
  @Column(name = "model_name")
  public String modelName;

  public long version;

  @Column(name = "pinned_by")
  public String pinnedBy;

  @Column(name = "pinned_at")
  public Instant pinnedAt;
}

package dev.saguaro.ingest.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.SnapshotManifest;
import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.storage.DatasetSnapshot;
import io.quarkus.logging.Log;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Immutable snapshots of a dataset's images and labels. */
@ApplicationScoped
public class SnapshotService {

  @Inject EntityManager entityManager;

  /** Copies the dataset's current images and labels into a new snapshot; needs a transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  public DatasetSnapshot createSnapshot(String datasetName, String createdBy) {
    DatasetSnapshot snapshot = new DatasetSnapshot();
    snapshot.id = UUID.randomUUID();
    snapshot.datasetName = datasetName;
    snapshot.createdBy = createdBy;
    snapshot.createdAt = Instant.now();
    snapshot.classCounts = "{}";
    snapshot.persist();
    entityManager.flush();

    entityManager
        .createNativeQuery(
            "INSERT INTO snapshot_image (snapshot_id, image_id, sha256, label, format)"
                + " SELECT ?1, id, sha256, label, format FROM labeled_image"
                + " WHERE dataset_name = ?2")
        .setParameter(1, snapshot.id)
        .setParameter(2, datasetName)
        .executeUpdate();
    @SuppressWarnings("unchecked")
    List<Object[]> counts =
        entityManager
            .createNativeQuery(
                "SELECT label, count(*) FROM snapshot_image WHERE snapshot_id = ?1"
                    + " GROUP BY label ORDER BY label")
            .setParameter(1, snapshot.id)
            .getResultList();
    Map<String, Integer> classCounts = new LinkedHashMap<>();
    int total = 0;
    for (Object[] row : counts) {
      int count = ((Number) row[1]).intValue();
      classCounts.put((String) row[0], count);
      total += count;
    }
    snapshot.imageCount = total;
    snapshot.classCounts = toJson(classCounts);
    Log.infof(
        "Created snapshot %s of dataset %s: %d images, classes %s",
        snapshot.id, datasetName, total, classCounts);
    return snapshot;
  }

  /** Returns the snapshot, or throws 404. */
  public DatasetSnapshot requireSnapshot(UUID id) {
    DatasetSnapshot snapshot = DatasetSnapshot.findById(id);
    if (snapshot == null) {
      throw ProblemException.notFound(
          "snapshot-not-found",
          "Snapshot " + id + " does not exist; list snapshots of the dataset to find valid ids");
    }
    return snapshot;
  }

  /** Snapshots of a dataset, newest first. */
  public List<DatasetSnapshot> listSnapshots(String datasetName) {
    return DatasetSnapshot.list("datasetName", Sort.by("createdAt").descending(), datasetName);
  }

  /** Image count per class, sorted by class name. */
  public Map<String, Integer> classCounts(DatasetSnapshot snapshot) {
    try {
      return ContractCodec.mapper()
          .readValue(snapshot.classCounts, new TypeReference<LinkedHashMap<String, Integer>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Corrupt class_counts of snapshot " + snapshot.id, e);
    }
  }

  /** Returns the manifest that opens the snapshot's archive. */
  public SnapshotManifest manifest(DatasetSnapshot snapshot) {
    Map<String, Integer> counts = classCounts(snapshot);
    return new SnapshotManifest(
        SchemaVersion.CURRENT,
        snapshot.id.toString(),
        snapshot.datasetName,
        snapshot.imageCount,
        new ArrayList<>(counts.keySet()),
        counts,
        snapshot.createdAt);
  }

  private static String toJson(Object value) {
    try {
      return ContractCodec.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }
}

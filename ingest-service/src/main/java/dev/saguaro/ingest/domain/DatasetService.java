package dev.saguaro.ingest.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.storage.Dataset;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Datasets and their class sets. */
@ApplicationScoped
public class DatasetService {

  @Inject EntityManager entityManager;

  /** Creates a dataset; {@code classes} empty or null accepts any label. */
  @Transactional
  public Dataset createDataset(String name, List<String> classes) {
    Names.requireDatasetName(name);
    if (Dataset.findById(name) != null) {
      throw ProblemException.conflict(
          "dataset-exists",
          "Dataset '" + name + "' already exists; choose another name or use the existing one");
    }
    Dataset dataset = new Dataset();
    dataset.name = name;
    dataset.createdAt = Instant.now();
    if (classes != null && !classes.isEmpty()) {
      TreeSet<String> sorted = new TreeSet<>();
      for (String label : classes) {
        sorted.add(Names.requireLabel(label, " in classes"));
      }
      dataset.declaredClasses = toJson(new ArrayList<>(sorted));
    }
    dataset.persist();
    Log.infof("Created dataset %s with classes %s", name, describeClasses(dataset));
    return dataset;
  }

  /** Returns the dataset, or throws 404. */
  public Dataset requireDataset(String name) {
    Dataset dataset = Dataset.findById(name);
    if (dataset == null) {
      throw ProblemException.notFound(
          "dataset-not-found",
          "Dataset '" + name + "' does not exist; create it with POST /api/v1/datasets");
    }
    return dataset;
  }

  /**
   * Returns the dataset, creating it with an open class set if it does not exist; must run in a
   * transaction. Concurrent creators of the same name both succeed.
   */
  public Dataset findOrCreateDataset(String name) {
    Names.requireDatasetName(name);
    entityManager
        .createNativeQuery(
            "INSERT INTO dataset (name, declared_classes, created_at) VALUES (?1, NULL, now())"
                + " ON CONFLICT (name) DO NOTHING")
        .setParameter(1, name)
        .executeUpdate();
    return Dataset.findById(name);
  }

  /** Declared classes, or empty when any label is accepted. */
  public List<String> declaredClasses(Dataset dataset) {
    if (dataset.declaredClasses == null) {
      return List.of();
    }
    try {
      return ContractCodec.mapper().readValue(dataset.declaredClasses, new TypeReference<>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Corrupt declared_classes of dataset " + dataset.name, e);
    }
  }

  /**
   * Checks that {@code label} is well formed and, if the dataset declares classes, one of them.
   *
   * @param where context for the message, such as {@code " on line 7 of train.csv"}
   */
  public String requireAcceptedLabel(Dataset dataset, String label, String where) {
    Names.requireLabel(label, where);
    List<String> classes = declaredClasses(dataset);
    if (!classes.isEmpty() && !classes.contains(label)) {
      throw ProblemException.badRequest(
              "unknown-label",
              "Label '"
                  + label
                  + "'"
                  + where
                  + " is not a class of dataset '"
                  + dataset.name
                  + "'; use one of "
                  + classes)
          .with("classes", classes);
    }
    return label;
  }

  /** Image counts per label of a dataset, sorted by label. */
  public Map<String, Long> countImagesPerLabel(String dataset) {
    List<Object[]> rows =
        entityManager
            .createQuery(
                "select i.label, count(i) from LabeledImage i where i.datasetName = :dataset"
                    + " group by i.label order by i.label",
                Object[].class)
            .setParameter("dataset", dataset)
            .getResultList();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Object[] row : rows) {
      counts.put((String) row[0], (Long) row[1]);
    }
    return counts;
  }

  /** Lists all datasets by name. */
  public List<Dataset> listDatasets() {
    return Dataset.listAll(io.quarkus.panache.common.Sort.by("name"));
  }

  public Optional<Dataset> findDataset(String name) {
    return Optional.ofNullable(Dataset.findById(name));
  }

  private String describeClasses(Dataset dataset) {
    List<String> classes = declaredClasses(dataset);
    return classes.isEmpty() ? "(any)" : classes.toString();
  }

  private static String toJson(Object value) {
    try {
      return ContractCodec.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }
}

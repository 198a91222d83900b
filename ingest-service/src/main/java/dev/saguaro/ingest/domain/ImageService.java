package dev.saguaro.ingest.domain;

import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.storage.BlobStore;
import dev.saguaro.ingest.storage.Dataset;
import dev.saguaro.ingest.storage.ImageRowWriter;
import dev.saguaro.ingest.storage.ImageRowWriter.ImageRow;
import dev.saguaro.ingest.storage.LabeledImage;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Single labeled images: upload, read, relabel, delete. */
@ApplicationScoped
public class ImageService {

  @Inject ImageInspector inspector;
  @Inject BlobStore blobStore;
  @Inject ImageRowWriter rowWriter;
  @Inject DatasetService datasets;
  @Inject MeterRegistry registry;

  /** Outcome of an upload: the stored image and whether its bytes were new to the dataset. */
  public record StoredImage(LabeledImage image, boolean created) {}

  /** One page of images. */
  public record ImagePage(List<LabeledImage> items, int page, int size, long totalItems) {}

  /**
   * Validates and stores one image. Identical bytes already in the dataset are not stored again:
   * the existing image is returned, with its label unchanged.
   */
  public StoredImage storeLabeledImage(
      String datasetName, String label, String originalName, byte[] content, String caller) {
    Names.requireDatasetName(datasetName);
    Names.requireLabel(label, "");
    String name =
        originalName == null || originalName.isBlank() ? "the uploaded file" : originalName;
    ImageInfo info = inspector.inspect(name, content);

    // The blob goes first: a blob without a row is harmless, a row without a blob is not.
    try {
      blobStore.store(info.sha256(), content);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot store blob " + info.sha256(), e);
    }

    StoredImage stored =
        QuarkusTransaction.requiringNew()
            .call(() -> insertImage(datasetName, label, originalName, info, caller));
    registry
        .counter("saguaro.ingest.images", "outcome", stored.created() ? "accepted" : "duplicate")
        .increment();
    Log.infof(
        "%s image %s (%s, %dx%d, sha256 %s) with label %s in dataset %s",
        stored.created() ? "Stored" : "Found duplicate",
        stored.image().id,
        info.format().id(),
        info.width(),
        info.height(),
        info.sha256(),
        stored.image().label,
        datasetName);
    return stored;
  }

  private StoredImage insertImage(
      String datasetName, String label, String originalName, ImageInfo info, String caller)
      throws SQLException {
    Dataset dataset = datasets.findOrCreateDataset(datasetName);
    datasets.requireAcceptedLabel(dataset, label, "");
    UUID id = UUID.randomUUID();
    ImageRow row =
        new ImageRow(
            id,
            info.sha256(),
            label,
            info.format().id(),
            info.width(),
            info.height(),
            info.sizeBytes(),
            originalName);
    Set<UUID> inserted =
        rowWriter.insertNew(datasetName, null, caller, Instant.now(), List.of(row));
    if (inserted.contains(id)) {
      return new StoredImage(LabeledImage.findById(id), true);
    }
    LabeledImage existing =
        LabeledImage.find(
                "datasetName = :dataset and sha256 = :sha256",
                Parameters.with("dataset", datasetName).and("sha256", info.sha256()))
            .firstResult();
    return new StoredImage(existing, false);
  }

  /** Returns the image, or throws 404. */
  public LabeledImage requireImage(UUID id) {
    LabeledImage image = LabeledImage.findById(id);
    if (image == null) {
      throw ProblemException.notFound(
          "image-not-found", "Image " + id + " does not exist; list images to find valid ids");
    }
    return image;
  }

  /** Reads the bytes of a stored image. */
  public byte[] readContent(LabeledImage image) {
    try {
      return blobStore.read(image.sha256);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Blob " + image.sha256 + " of image " + image.id + " is unreadable", e);
    }
  }

  /** Lists images of a dataset, oldest upload first, filtered by label and upload time. */
  public ImagePage listImages(
      String dataset, String label, Instant uploadedFrom, Instant uploadedTo, int page, int size) {
    StringBuilder query = new StringBuilder("datasetName = :dataset");
    Parameters parameters = Parameters.with("dataset", dataset);
    if (label != null) {
      query.append(" and label = :label");
      parameters.and("label", label);
    }
    if (uploadedFrom != null) {
      query.append(" and uploadedAt >= :from");
      parameters.and("from", uploadedFrom);
    }
    if (uploadedTo != null) {
      query.append(" and uploadedAt < :to");
      parameters.and("to", uploadedTo);
    }
    PanacheQuery<LabeledImage> found =
        LabeledImage.find(query.toString(), Sort.by("uploadedAt").and("id"), parameters);
    List<LabeledImage> items = new ArrayList<>(found.page(Page.of(page, size)).list());
    return new ImagePage(items, page, size, found.count());
  }

  /** Sets a new label; the image counts as newly labeled for automatic retraining. */
  @Transactional
  public LabeledImage relabelImage(UUID id, String label) {
    LabeledImage image = requireImage(id);
    Dataset dataset = datasets.requireDataset(image.datasetName);
    datasets.requireAcceptedLabel(dataset, label, "");
    String previous = image.label;
    image.label = label;
    image.labeledAt = Instant.now();
    Log.infof(
        "Relabeled image %s in dataset %s from %s to %s", id, image.datasetName, previous, label);
    return image;
  }

  /**
   * Deletes the image record. Its blob stays, because snapshots taken earlier may still name it.
   */
  @Transactional
  public void deleteImage(UUID id) {
    LabeledImage image = requireImage(id);
    image.delete();
    Log.infof("Deleted image %s from dataset %s", id, image.datasetName);
  }
}

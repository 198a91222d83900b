package dev.saguaro.ingest.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.saguaro.contracts.AnnouncementKind;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.MalformedMessageException;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import dev.saguaro.contracts.ModelVersionAnnouncement;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.UnsupportedSchemaVersionException;
import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.messaging.OutboxWriter;
import dev.saguaro.ingest.storage.BlobStore;
import dev.saguaro.ingest.storage.BlobStore.StoredBlob;
import dev.saguaro.ingest.storage.Dataset;
import dev.saguaro.ingest.storage.ModelPin;
import dev.saguaro.ingest.storage.ModelVersion;
import dev.saguaro.ingest.storage.RunEpochMetrics;
import dev.saguaro.ingest.storage.TrainingRun;
import io.quarkus.logging.Log;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Model versions: artifact upload from trainers, lookup, serving choice and pins. */
@ApplicationScoped
public class ModelVersionService {

  private static final long MAX_METADATA_BYTES = 1 << 20;

  @Inject IngestConfig config;
  @Inject BlobStore blobStore;
  @Inject OutboxWriter outbox;

  /** Outcome of an upload: the version and whether it was new. */
  public record Registration(ModelVersion version, boolean created) {}

  /**
   * Reads the artifact's metadata, stores the zip in the blob store and assigns the next version
   * number of the model. Uploading the same bytes again for the same run returns the version stored
   * the first time.
   *
   * @throws ProblemException 400 for an invalid artifact, 404 for an unknown run, 409 for a run of
   *     another model or a run that already has a different artifact
   */
  public Registration registerArtifact(
      String modelName, String runIdText, Path artifact, String caller) {
    UUID runId = parseRunId(runIdText);
    ModelMetadata metadata = readMetadata(artifact);
    StoredBlob blob;
    try {
      blob = blobStore.storeFile(artifact);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot store the artifact of run " + runId, e);
    }
    return insertVersion(modelName, runId, metadata, blob, caller);
  }

  @Transactional
  Registration insertVersion(
      String modelName, UUID runId, ModelMetadata metadata, StoredBlob blob, String caller) {
    TrainingRun run = TrainingRun.findById(runId);
    if (run == null) {
      throw ProblemException.notFound(
          "run-not-found", "Run " + runId + " does not exist; send the id of the run you trained");
    }
    if (!run.modelName.equals(modelName)) {
      throw ProblemException.conflict(
          "run-of-other-model",
          "Run "
              + runId
              + " trains model '"
              + run.modelName
              + "', not '"
              + modelName
              + "'; upload to /api/v1/models/"
              + run.modelName
              + "/versions");
    }
    // Serializes version numbering per model.
    Dataset.findById(modelName, LockModeType.PESSIMISTIC_WRITE);

    ModelVersion existing = ModelVersion.find("runId", runId).firstResult();
    if (existing != null) {
      if (existing.sha256.equals(blob.sha256())) {
        return new Registration(existing, false);
      }
      throw ProblemException.conflict(
          "run-has-version",
          "Run "
              + runId
              + " already has model version "
              + existing.version
              + " with a different artifact (sha256 "
              + existing.sha256
              + "); a run produces one version, so start a new run");
    }

    long next =
        ModelVersion.find("modelName", Sort.by("version").descending(), modelName)
            .firstResultOptional()
            .map(v -> ((ModelVersion) v).version + 1)
            .orElse(1L);
    ModelVersion version = new ModelVersion();
    version.modelName = modelName;
    version.version = next;
    version.runId = runId;
    version.snapshotId = run.snapshotId;
    version.sha256 = blob.sha256();
    version.sizeBytes = blob.sizeBytes();
    version.classNames = toJson(metadata.classNames());
    version.imageSize = metadata.imageSize();
    version.uploadedBy = caller;
    version.createdAt = Instant.now();
    version.persist();
    Log.infof(
        "Stored model %s version %d from run %s: %d bytes, sha256 %s, classes %s",
        modelName, next, runId, blob.sizeBytes(), blob.sha256(), metadata.classNames());
    return new Registration(version, true);
  }

  private static UUID parseRunId(String runIdText) {
    if (runIdText == null || runIdText.isBlank()) {
      throw ProblemException.badRequest(
          "missing-run-id", "Form field runId is missing; send the id of the run that trained it");
    }
    try {
      return UUID.fromString(runIdText.trim());
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(
          "invalid-run-id", "runId '" + runIdText + "' is not a run id; send the UUID of the run");
    }
  }

  private static ModelMetadata readMetadata(Path artifact) {
    try (ZipFile zip = new ZipFile(artifact.toFile())) {
      ZipEntry entry = zip.getEntry(ModelSignatures.METADATA_ENTRY);
      if (entry == null) {
        throw ProblemException.badRequest(
            "artifact-without-metadata",
            "The artifact has no "
                + ModelSignatures.METADATA_ENTRY
                + "; export the model with its metadata file");
      }
      byte[] json;
      try (InputStream in = zip.getInputStream(entry)) {
        json = in.readNBytes((int) MAX_METADATA_BYTES);
      }
      ModelMetadata metadata =
          ContractCodec.decode(new String(json, StandardCharsets.UTF_8), ModelMetadata.class);
      if (metadata.classNames() == null
          || metadata.classNames().size() < 2
          || metadata.imageSize() <= 0) {
        throw ProblemException.badRequest(
            "invalid-metadata",
            ModelSignatures.METADATA_ENTRY
                + " must name at least two classNames and a positive"
                + " imageSize (was "
                + metadata.classNames()
                + ", "
                + metadata.imageSize()
                + ")");
      }
      return metadata;
    } catch (ZipException e) {
      throw ProblemException.badRequest(
          "not-a-zip",
          "The artifact is not a valid zip file ("
              + e.getMessage()
              + "); upload the exported model zip");
    } catch (MalformedMessageException | UnsupportedSchemaVersionException e) {
      throw ProblemException.badRequest(
          "invalid-metadata", ModelSignatures.METADATA_ENTRY + " is invalid: " + e.getMessage());
    } catch (IOException e) {
      throw ProblemException.badRequest(
          "unreadable-artifact", "The artifact cannot be read (" + e.getMessage() + ")");
    }
  }

  /** Versions of a model, newest first. */
  public List<ModelVersion> listVersions(String modelName) {
    return ModelVersion.list("modelName", Sort.by("version").descending(), modelName);
  }

  /** Returns the version, or throws 404. */
  public ModelVersion requireVersion(String modelName, long version) {
    ModelVersion found =
        ModelVersion.find("modelName = ?1 and version = ?2", modelName, version).firstResult();
    if (found == null) {
      throw ProblemException.notFound(
          "model-version-not-found",
          "Model '"
              + modelName
              + "' has no version "
              + version
              + "; list versions at /api/v1/models/"
              + modelName
              + "/versions");
    }
    return found;
  }

  /** The pinned version if a pin is in force, else the newest version. */
  public Optional<ModelVersion> findServingVersion(String modelName) {
    ModelPin pin = ModelPin.findById(modelName);
    if (pin != null) {
      return Optional.of(requireVersion(modelName, pin.version));
    }
    return ModelVersion.find("modelName", Sort.by("version").descending(), modelName)
        .firstResultOptional();
  }

  public Optional<ModelPin> findPin(String modelName) {
    return Optional.ofNullable(ModelPin.findById(modelName));
  }

  /** Pins {@code version} and announces it to the inference service through the outbox. */
  @Transactional
  public ModelPin pinVersion(String modelName, long version, String caller) {
    ModelVersion pinned = requireVersion(modelName, version);
    ModelPin pin = ModelPin.findById(modelName, LockModeType.PESSIMISTIC_WRITE);
    if (pin == null) {
      pin = new ModelPin();
      pin.modelName = modelName;
    }
    pin.version = version;
    pin.pinnedBy = caller;
    pin.pinnedAt = Instant.now();
    pin.persist();
    outbox.appendAnnouncement(announcement(AnnouncementKind.PINNED, pinned, caller));
    Log.infof("Pinned model %s to version %d on request of %s", modelName, version, caller);
    return pin;
  }

  /** Releases the pin, if any, and announces it; returns whether a pin was released. */
  @Transactional
  public boolean releasePin(String modelName, String caller) {
    ModelPin pin = ModelPin.findById(modelName, LockModeType.PESSIMISTIC_WRITE);
    if (pin == null) {
      return false;
    }
    pin.delete();
    outbox.appendAnnouncement(
        new ModelVersionAnnouncement(
            SchemaVersion.CURRENT,
            modelName,
            AnnouncementKind.PIN_RELEASED,
            null,
            null,
            null,
            null,
            null,
            caller,
            Instant.now()));
    Log.infof(
        "Released the pin of model %s (was version %d) on request of %s",
        modelName, pin.version, caller);
    return true;
  }

  private ModelVersionAnnouncement announcement(
      AnnouncementKind kind, ModelVersion version, String caller) {
    EpochMetrics last = finalMetrics(version).orElse(null);
    return new ModelVersionAnnouncement(
        SchemaVersion.CURRENT,
        version.modelName,
        kind,
        toArtifact(version),
        version.runId.toString(),
        version.snapshotId.toString(),
        last == null ? null : last.validationAccuracy(),
        last == null ? null : last.validationAuc(),
        caller,
        Instant.now());
  }

  /** Metrics of the last epoch of the run that produced the version, if it reported any. */
  public Optional<EpochMetrics> finalMetrics(ModelVersion version) {
    TrainingRun run = TrainingRun.findById(version.runId);
    if (run == null) {
      return Optional.empty();
    }
    return RunEpochMetrics.<RunEpochMetrics>find(
            "runId = ?1 and attempt = ?2", Sort.by("epoch").descending(), run.id, run.attempt)
        .firstResultOptional()
        .map(RunEpochMetrics::toContract);
  }

  /** The contract view of a stored version. */
  public ModelArtifact toArtifact(ModelVersion version) {
    return new ModelArtifact(
        version.modelName,
        version.version,
        artifactUri(version.modelName, version.version),
        version.sha256,
        version.sizeBytes,
        classNames(version),
        version.imageSize);
  }

  public String artifactUri(String modelName, long version) {
    return config.publicUrl()
        + "/api/v1/models/"
        + modelName
        + "/versions/"
        + version
        + "/artifact";
  }

  /** Opens the artifact zip; the caller closes the stream. */
  public InputStream openArtifact(ModelVersion version) throws IOException {
    return blobStore.open(version.sha256);
  }

  private static List<String> classNames(ModelVersion version) {
    try {
      return ContractCodec.mapper().readValue(version.classNames, new TypeReference<>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Corrupt class_names of model version " + version.id, e);
    }
  }

  private static String toJson(Object value) {
    try {
      return ContractCodec.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }
}

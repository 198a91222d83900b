package dev.saguaro.inference.serving;

import dev.saguaro.contracts.ModelArtifact;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything known about one model name: the newest announced version, the pin, the version that
 * serves and the status of recent versions.
 *
 * <p>Thread-safety: {@link #serving()} is a volatile read for the request path; everything else is
 * guarded by the instance's monitor. Only the lifecycle thread changes the serving version.
 */
final class ServedModel {

  private final String name;
  private volatile LoadedModel serving;
  private ModelArtifact newest;
  private ModelArtifact pinned;

  /**
   * Grows with every announcement that names the target version, so a failed one can be retried.
   */
  private long revision;

  private final Map<Long, ModelVersionStatus> versions = new LinkedHashMap<>();
  private final Map<Long, Long> attemptedRevisions = new LinkedHashMap<>();

  ServedModel(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  LoadedModel serving() {
    return serving;
  }

  void setServing(LoadedModel model) {
    serving = model;
  }

  synchronized ModelArtifact newest() {
    return newest;
  }

  synchronized ModelArtifact pinned() {
    return pinned;
  }

  synchronized long revision() {
    return revision;
  }

  /** Records a NEW_VERSION; returns {@code false} when it is older than the newest known one. */
  synchronized boolean offerNewest(ModelArtifact artifact) {
    if (newest != null && artifact.version() < newest.version()) {
      return false;
    }
    newest = artifact;
    revision++;
    return true;
  }

  synchronized void pin(ModelArtifact artifact) {
    pinned = artifact;
    revision++;
  }

  synchronized void releasePin() {
    pinned = null;
    revision++;
  }

  /** The version that should serve: the pinned one if a pin is in force, else the newest. */
  synchronized ModelArtifact target() {
    return pinned != null ? pinned : newest;
  }

  /**
   * Returns whether {@code version} failed while this revision of the target state was in force; a
   * failed version is tried again only after a newer announcement.
   */
  synchronized boolean failedAtCurrentRevision(long version) {
    ModelVersionStatus status = versions.get(version);
    return status != null
        && status.state() == ModelVersionState.FAILED
        && Long.valueOf(revision).equals(attemptedRevisions.get(version));
  }

  /** Starts a new status entry for a load of {@code version}, replacing any finished one. */
  synchronized ModelVersionStatus startLoading(long version, int retainedFinished) {
    ModelVersionStatus status = new ModelVersionStatus(name, version);
    versions.remove(version);
    versions.put(version, status);
    attemptedRevisions.put(version, revision);
    pruneFinished(retainedFinished);
    return status;
  }

  synchronized List<ModelVersionStatus> versions() {
    return new ArrayList<>(versions.values());
  }

  synchronized int countInState(ModelVersionState state) {
    int count = 0;
    for (ModelVersionStatus status : versions.values()) {
      if (status.state() == state) {
        count++;
      }
    }
    return count;
  }

  private void pruneFinished(int retainedFinished) {
    List<Long> finished = new ArrayList<>();
    for (ModelVersionStatus status : versions.values()) {
      if (status.state().isFinal()) {
        finished.add(status.version());
      }
    }
    for (int i = 0; i < finished.size() - retainedFinished; i++) {
      versions.remove(finished.get(i));
      attemptedRevisions.remove(finished.get(i));
    }
  }
}

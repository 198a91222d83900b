package dev.saguaro.inference.serving;

import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelMetadata;
import java.util.HashSet;
import java.util.List;

/** Checks that an artifact's own metadata agrees with the announcement that pointed to it. */
final class MetadataChecks {

  private MetadataChecks() {}

  static void requireConsistent(ModelArtifact artifact, ModelMetadata metadata)
      throws ModelLoadException {
    if (!artifact.modelName().equals(metadata.modelName())) {
      fail(
          "the metadata names model '"
              + metadata.modelName()
              + "', the announcement '"
              + artifact.modelName()
              + "'");
    }
    // Version 0 means "not numbered yet": the trainer writes the metadata before the ingest
    // service assigns the version, because the number is given only to a finished, hashed zip.
    if (metadata.version() != 0 && artifact.version() != metadata.version()) {
      fail(
          "the metadata says version "
              + metadata.version()
              + ", the announcement "
              + artifact.version());
    }
    List<String> classNames = metadata.classNames();
    if (classNames == null || classNames.size() < 2) {
      fail("the metadata must list at least two class names, found " + classNames);
    }
    if (new HashSet<>(classNames).size() != classNames.size()) {
      fail("the metadata lists a class name twice: " + classNames);
    }
    if (artifact.classNames() != null
        && !artifact.classNames().isEmpty()
        && !artifact.classNames().equals(classNames)) {
      fail(
          "the metadata's class names "
              + classNames
              + " differ from the announcement's "
              + artifact.classNames());
    }
    if (metadata.imageSize() <= 0) {
      fail("the metadata's imageSize must be positive, found " + metadata.imageSize());
    }
    if (artifact.imageSize() > 0 && artifact.imageSize() != metadata.imageSize()) {
      fail(
          "the metadata's imageSize "
              + metadata.imageSize()
              + " differs from the announcement's "
              + artifact.imageSize());
    }
  }

  private static void fail(String reason) throws ModelLoadException {
    throw new ModelLoadException(LoadStep.READ_METADATA, reason);
  }
}

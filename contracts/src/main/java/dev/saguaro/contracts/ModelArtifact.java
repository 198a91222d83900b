package dev.saguaro.contracts;

import java.util.List;

/**
 * A stored model version: where its artifact is and how to check it.
 *
 * <p>The artifact is a zip of a TensorFlow SavedModel directory (see {@link ModelSignatures}) with
 * {@link ModelSignatures#METADATA_ENTRY} beside it.
 *
 * @param version version number, increasing per model name from 1
 * @param artifactUri absolute URI from which the zip can be downloaded with a plain GET
 * @param sha256 lowercase hex SHA-256 of the zip bytes
 * @param classNames class names in the order of the probability vector
 */
public record ModelArtifact(
    String modelName,
    long version,
    String artifactUri,
    String sha256,
    long sizeBytes,
    List<String> classNames,
    int imageSize) {}

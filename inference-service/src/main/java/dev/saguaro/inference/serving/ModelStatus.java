package dev.saguaro.inference.serving;

import java.util.List;

/**
 * A snapshot of one model's state.
 *
 * @param servingVersion version that receives new requests, or {@code null}
 * @param newestVersion newest announced version, or {@code null}
 * @param pinnedVersion pinned version, or {@code null} when no pin is in force
 * @param versions status of the versions loaded recently, oldest first
 */
public record ModelStatus(
    String modelName,
    Long servingVersion,
    Long newestVersion,
    Long pinnedVersion,
    List<ModelVersionStatus> versions) {}

package dev.saguaro.inference.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saguaro.inference.serving.ModelStatus;
import dev.saguaro.inference.serving.ModelVersionStatus;
import java.time.Instant;
import java.util.List;

/**
 * A model's state as {@code GET /api/v1/models} shows it.
 *
 * @param servingVersion version that receives new requests, or {@code null}
 * @param newestVersion newest announced version, or {@code null}
 * @param pinnedVersion pinned version, or {@code null} when no pin is in force
 * @param versions recently loaded versions, oldest first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelStatusResponse(
    String model,
    Long servingVersion,
    Long newestVersion,
    Long pinnedVersion,
    List<VersionStatus> versions) {

  /**
   * One version's state.
   *
   * @param failedStep the step that failed, such as {@code verify-checksum}, when {@code FAILED}
   * @param failureReason why it failed
   * @param loadSeconds seconds from the start of loading to READY
   * @param transitions every state entered, oldest first
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VersionStatus(
      long version,
      String state,
      String failedStep,
      String failureReason,
      Double loadSeconds,
      List<Transition> transitions) {}

  /** A state entered at a time. */
  public record Transition(String state, Instant at) {}

  static ModelStatusResponse from(ModelStatus status) {
    return new ModelStatusResponse(
        status.modelName(),
        status.servingVersion(),
        status.newestVersion(),
        status.pinnedVersion(),
        status.versions().stream().map(ModelStatusResponse::version).toList());
  }

  private static VersionStatus version(ModelVersionStatus status) {
    return new VersionStatus(
        status.version(),
        status.state().name(),
        status.failedStep() == null ? null : status.failedStep().label(),
        status.failureReason(),
        status.loadSeconds(),
        status.transitions().stream()
            .map(transition -> new Transition(transition.state().name(), transition.at()))
            .toList());
  }
}

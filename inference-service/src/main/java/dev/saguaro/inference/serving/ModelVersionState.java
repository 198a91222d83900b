package dev.saguaro.inference.serving;

import java.util.EnumSet;
import java.util.Set;

/**
 * Life of one loaded model version, modelled on TensorFlow Serving's servable states.
 *
 * <pre>
 * LOADING -> READY -> SERVING -> UNLOADING -> UNLOADED
 *    |         |
 *    v         +--------------> UNLOADING (superseded before it served)
 *  FAILED
 * </pre>
 *
 * A version starts serving only after it is {@link #READY}, and the version it replaces is unloaded
 * only after that switch, so a model always has a serving version once it had one.
 */
public enum ModelVersionState {
  /** Downloading, verifying, unpacking, loading, checking and warming up. */
  LOADING,
  /** Loaded and warmed up; waiting for the switch. */
  READY,
  /** Receives new requests. */
  SERVING,
  /** Receives no new requests; closes once the requests in flight are done. */
  UNLOADING,
  /** Closed; its native memory is released. */
  UNLOADED,
  /** A step of loading failed; the reason is kept with the version. */
  FAILED;

  /** Returns whether a version in this state may move to {@code next}. */
  public boolean canMoveTo(ModelVersionState next) {
    return successors().contains(next);
  }

  /** Returns whether the version has reached an end state and owns no native resources. */
  public boolean isFinal() {
    return this == UNLOADED || this == FAILED;
  }

  private Set<ModelVersionState> successors() {
    return switch (this) {
      case LOADING -> EnumSet.of(READY, FAILED);
      case READY -> EnumSet.of(SERVING, UNLOADING);
      case SERVING -> EnumSet.of(UNLOADING);
      case UNLOADING -> EnumSet.of(UNLOADED);
      case UNLOADED, FAILED -> EnumSet.noneOf(ModelVersionState.class);
    };
  }
}

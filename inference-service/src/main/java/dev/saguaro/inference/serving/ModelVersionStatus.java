package dev.saguaro.inference.serving;

import io.quarkus.logging.Log;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one model version as the status endpoint and the metrics show it. Every change of
 * state is checked against {@link ModelVersionState#canMoveTo} and logged at INFO with the model
 * and version.
 *
 * <p>Thread-safe: the lifecycle thread writes, request threads read.
 */
public final class ModelVersionStatus {

  /** One entered state, with the time it was entered. */
  public record Transition(ModelVersionState state, Instant at) {}

  private final String modelName;
  private final long version;
  private final List<Transition> transitions = new ArrayList<>();
  private ModelVersionState state;
  private LoadStep failedStep;
  private String failureReason;
  private Double loadSeconds;

  ModelVersionStatus(String modelName, long version) {
    this.modelName = modelName;
    this.version = version;
    this.state = ModelVersionState.LOADING;
    transitions.add(new Transition(state, Instant.now()));
    Log.infof("Model %s version %d: %s", modelName, version, state);
  }

  public String modelName() {
    return modelName;
  }

  public long version() {
    return version;
  }

  public synchronized ModelVersionState state() {
    return state;
  }

  /**
   * The step that failed, or {@code null} unless the version is {@link ModelVersionState#FAILED}.
   */
  public synchronized LoadStep failedStep() {
    return failedStep;
  }

  /** Returns why the version failed, or {@code null}. */
  public synchronized String failureReason() {
    return failureReason;
  }

  /** Seconds from the start of loading to {@link ModelVersionState#READY}, or {@code null}. */
  public synchronized Double loadSeconds() {
    return loadSeconds;
  }

  /** Returns a copy of the states entered so far, oldest first. */
  public synchronized List<Transition> transitions() {
    return List.copyOf(transitions);
  }

  /**
   * Moves the version to {@code next}.
   *
   * @throws IllegalStateException when the state machine does not allow the move
   */
  synchronized void moveTo(ModelVersionState next) {
    if (!state.canMoveTo(next)) {
      throw new IllegalStateException(
          "Model "
              + modelName
              + " version "
              + version
              + " cannot move from "
              + state
              + " to "
              + next);
    }
    state = next;
    transitions.add(new Transition(next, Instant.now()));
    Log.infof("Model %s version %d: %s", modelName, version, next);
  }

  synchronized void markReady(double seconds) {
    loadSeconds = seconds;
    moveTo(ModelVersionState.READY);
  }

  synchronized void markFailed(LoadStep step, String reason) {
    if (!state.canMoveTo(ModelVersionState.FAILED)) {
      throw new IllegalStateException(
          "Model " + modelName + " version " + version + " cannot fail in state " + state);
    }
    failedStep = step;
    failureReason = reason;
    state = ModelVersionState.FAILED;
    transitions.add(new Transition(state, Instant.now()));
    Log.warnf(
        "Model %s version %d: FAILED at step %s: %s; the serving version is unchanged",
        modelName, version, step.label(), reason);
  }
}

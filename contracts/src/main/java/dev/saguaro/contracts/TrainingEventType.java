package dev.saguaro.contracts;

/** Kind of a {@link TrainingEvent}. */
public enum TrainingEventType {
  /** The trainer claimed the attempt and started loading data. */
  STARTED,
  /** A phase began, and {@code phase} names it. */
  PHASE_STARTED,
  /** An epoch finished, and {@code metrics} contains its figures. */
  EPOCH_COMPLETED,
  /** The trainer is alive and still working on the run; renews the run's lease. */
  HEARTBEAT,
  /** The model was stored and announced; {@code model} describes it. Terminal. */
  SUCCEEDED,
  /** The run cannot finish, and {@code reason} gives the cause. Terminal. */
  FAILED,
  /** The run stopped because it was cancelled. Terminal. */
  CANCELLED;

  /** Returns whether no further event of the same attempt may follow. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}

package dev.saguaro.ingest.storage;

/** Life of a training run. */
public enum RunState {
  /** Waiting for a trainer to claim the current attempt. */
  QUEUED,
  /** A trainer claimed the current attempt and sends events. */
  RUNNING,
  /** Cancel was requested while running; waiting for the trainer to stop. */
  CANCELLING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** Whether the run can change no more. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}

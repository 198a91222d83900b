package dev.saguaro.contracts;

/** What asked for a training run. */
public enum RunTrigger {
  /** A user called the runs API. */
  MANUAL,
  /** The ingest service, because enough newly labeled images arrived. */
  AUTOMATIC,
  /** The ingest service re-queued a run whose trainer stopped sending heartbeats. */
  RETRY
}

package dev.saguaro.trainer.client;

/**
 * Thrown when the ingest service responds to a call with a client error (4xx), which a retry cannot
 * fix. The message carries the status and the problem document's {@code detail}.
 */
public class IngestRejectedException extends RuntimeException {

  private final int status;

  public IngestRejectedException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** HTTP status of the response. */
  public int status() {
    return status;
  }
}

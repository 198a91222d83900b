package dev.saguaro.trainer.client;

/** Thrown when a call to the ingest service still fails after every retry. */
public class IngestUnavailableException extends RuntimeException {

  public IngestUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.saguaro.trainer.snapshot;

/**
 * Thrown when a snapshot archive cannot be trained on: unreadable, laid out wrongly, without
 * images, or with fewer than two classes. The message names the problem and what to do about it.
 */
public class InvalidSnapshotException extends RuntimeException {

  public InvalidSnapshotException(String message) {
    super(message);
  }

  public InvalidSnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}

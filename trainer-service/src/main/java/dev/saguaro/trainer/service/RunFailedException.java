package dev.saguaro.trainer.service;

/**
 * Thrown inside a run when it cannot finish. The message becomes the FAILED event's reason, so it
 * names the problem and the fix in the user's terms.
 */
public class RunFailedException extends RuntimeException {

  public RunFailedException(String reason) {
    super(reason);
  }

  public RunFailedException(String reason, Throwable cause) {
    super(reason, cause);
  }
}

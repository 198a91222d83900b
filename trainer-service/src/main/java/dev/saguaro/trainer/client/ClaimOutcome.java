package dev.saguaro.trainer.client;

/**
 * Response of the ingest service to a claim of a training attempt.
 *
 * @param granted whether this trainer may run the attempt
 * @param leaseSeconds how long the claim lasts without a heartbeat, when granted
 * @param detail why the claim was rejected, when not granted
 */
public record ClaimOutcome(boolean granted, long leaseSeconds, String detail) {

  static ClaimOutcome granted(long leaseSeconds) {
    return new ClaimOutcome(true, leaseSeconds, null);
  }

  static ClaimOutcome rejected(String detail) {
    return new ClaimOutcome(false, 0, detail);
  }
}

package dev.saguaro.inference.batching;

import dev.saguaro.inference.config.InferenceConfig;

/**
 * When a batch of queued images runs.
 *
 * @param enabled whether images are grouped at all; when {@code false} each image runs its own
 *     {@code classify} call on the request thread
 * @param maxBatchSize most images in one call
 * @param maxBatchDelayMicros longest wait of the oldest queued image for more images, in
 *     microseconds
 * @param closeWhenIdle whether a batch runs before the delay when no request is preprocessing
 */
public record BatchPolicy(
    boolean enabled, int maxBatchSize, long maxBatchDelayMicros, boolean closeWhenIdle) {

  public BatchPolicy {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException(
          "saguaro.inference.batching.max-batch-size must be at least 1, got " + maxBatchSize);
    }
    if (maxBatchDelayMicros < 0) {
      throw new IllegalArgumentException(
          "saguaro.inference.batching.max-batch-delay-micros must not be negative, got "
              + maxBatchDelayMicros);
    }
  }

  /** The policy that the configuration sets. */
  public static BatchPolicy from(InferenceConfig.Batching config) {
    return new BatchPolicy(
        config.enabled(),
        config.maxBatchSize(),
        config.maxBatchDelayMicros(),
        config.closeWhenIdle());
  }

  /** Whether images go through the queue; a batch of at most one image gains nothing from it. */
  boolean queues() {
    return enabled && maxBatchSize > 1;
  }
}

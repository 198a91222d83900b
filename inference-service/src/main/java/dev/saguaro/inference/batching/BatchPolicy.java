package dev.saguaro.inference.batching;

import dev.saguaro.inference.config.InferenceConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * When a batch of queued images runs, and how many images it takes.
 *
 * @param enabled whether images are grouped at all; when {@code false} each image runs its own
 *     {@code classify} call on the request thread
 * @param maxBatchSize most images in one call
 * @param maxBatchDelayMicros longest wait of the oldest queued image for more images, in
 *     microseconds
 * @param closeWhenIdle whether a batch runs before the delay when no request is preprocessing
 * @param allowedBatchSizes the only batch sizes a call may have, ascending, from 1 to {@code
 *     maxBatchSize}. TensorFlow's CPU kernels prepare their work for each input shape on its first
 *     call, so a short list keeps warm-up short and keeps every served call on a warmed shape.
 */
public record BatchPolicy(
    boolean enabled,
    int maxBatchSize,
    long maxBatchDelayMicros,
    boolean closeWhenIdle,
    List<Integer> allowedBatchSizes) {

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
    allowedBatchSizes = List.copyOf(allowedBatchSizes);
    requireValidSizes(allowedBatchSizes, maxBatchSize);
  }

  /** A policy whose allowed sizes are the powers of two below {@code maxBatchSize}, then itself. */
  public BatchPolicy(
      boolean enabled, int maxBatchSize, long maxBatchDelayMicros, boolean closeWhenIdle) {
    this(
        enabled,
        maxBatchSize,
        maxBatchDelayMicros,
        closeWhenIdle,
        powersOfTwoUpTo(Math.max(1, maxBatchSize)));
  }

  /** The policy that the configuration sets. */
  public static BatchPolicy from(InferenceConfig.Batching config) {
    List<Integer> sizes =
        config.allowedBatchSizes().orElseGet(() -> powersOfTwoUpTo(config.maxBatchSize()));
    return new BatchPolicy(
        config.enabled(),
        config.maxBatchSize(),
        config.maxBatchDelayMicros(),
        config.closeWhenIdle(),
        sizes);
  }

  /** Returns 1, 2, 4, ... below {@code max}, then {@code max}. */
  public static List<Integer> powersOfTwoUpTo(int max) {
    List<Integer> sizes = new ArrayList<>();
    for (int size = 1; size < max; size *= 2) {
      sizes.add(size);
    }
    sizes.add(max);
    return sizes;
  }

  /**
   * Returns the number of images a due batch takes when {@code queued} images of its version are
   * waiting: the largest allowed size not above {@code queued}. The rest stay queued for the next
   * batch, which costs less than padding the call up to the next allowed size.
   */
  int batchSizeFor(int queued) {
    int fitted = allowedBatchSizes.get(0);
    for (int size : allowedBatchSizes) {
      if (size <= queued) {
        fitted = size;
      }
    }
    return fitted;
  }

  /** Whether images go through the queue; a batch of at most one image gains nothing from it. */
  boolean queues() {
    return enabled && maxBatchSize > 1;
  }

  private static void requireValidSizes(List<Integer> sizes, int maxBatchSize) {
    String fix =
        "; list ascending sizes that start with 1 and end with max-batch-size "
            + maxBatchSize
            + ", for example "
            + powersOfTwoUpTo(maxBatchSize);
    if (sizes.isEmpty() || sizes.get(0) != 1) {
      throw new IllegalArgumentException(
          "saguaro.inference.batching.allowed-batch-sizes must start with 1, got " + sizes + fix);
    }
    if (sizes.get(sizes.size() - 1) != maxBatchSize) {
      throw new IllegalArgumentException(
          "saguaro.inference.batching.allowed-batch-sizes must end with max-batch-size, got "
              + sizes
              + fix);
    }
    for (int i = 1; i < sizes.size(); i++) {
      if (sizes.get(i) <= sizes.get(i - 1)) {
        throw new IllegalArgumentException(
            "saguaro.inference.batching.allowed-batch-sizes must be strictly ascending, got "
                + sizes
                + fix);
      }
    }
  }
}

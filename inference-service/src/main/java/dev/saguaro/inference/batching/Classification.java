package dev.saguaro.inference.batching;

/**
 * The probabilities for one image, with how the answer was made.
 *
 * @param probabilities one value per class, in the order of the model's class names
 * @param modelVersion version that ran the {@code classify} call
 * @param batchSize images in that call
 * @param queueNanos time the image waited in the batch queue
 * @param classifyNanos time of the {@code classify} call
 */
public record Classification(
    float[] probabilities, long modelVersion, int batchSize, long queueNanos, long classifyNanos) {}

package dev.saguaro.trainer.training;

import java.nio.file.Path;

/**
 * Process-wide trainer settings, read from configuration once rather than sent per request.
 *
 * @param intraOpThreads threads TensorFlow uses inside one op; 0 lets TensorFlow choose
 * @param interOpThreads threads TensorFlow uses to run independent ops; 0 lets TensorFlow choose
 * @param activationCacheEnabled whether the outputs of frozen inference-mode layers are computed
 *     once per run and reused every epoch; {@code false} recomputes them in every step
 * @param activationCacheMemoryBytes bytes of cached activations kept on the Java heap before the
 *     rest is written to files in {@code spillDirectory}
 * @param spillDirectory directory for cache records that do not fit in memory, or {@code null} for
 *     the JVM's temporary directory. Each phase of a run writes one file there, which the process
 *     removes when the phase ends or the process exits
 */
public record TrainerSettings(
    int intraOpThreads,
    int interOpThreads,
    boolean activationCacheEnabled,
    long activationCacheMemoryBytes,
    Path spillDirectory) {}

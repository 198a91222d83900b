package dev.saguaro.contracts;

/**
 * Figures of one finished epoch. Losses are mean cross-entropy per image; accuracies are fractions
 * in [0, 1]; {@code validationAuc} is the ROC AUC of a binary task and {@code null} for more
 * classes.
 *
 * @param phase 1 (head only) or 2 (fine-tuning)
 * @param epoch epoch number counted across both phases, starting at 1
 * @param durationSeconds wall time of the epoch including validation
 * @param imagesPerSecond training images processed per second of training time
 */
public record EpochMetrics(
    int phase,
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double validationLoss,
    double validationAccuracy,
    Double validationAuc,
    double durationSeconds,
    double imagesPerSecond) {}

package dev.saguaro.trainer.data;

import java.util.List;

/**
 * The images of one dataset snapshot.
 *
 * @param snapshotId id of the snapshot the images come from
 * @param classNames class names in sorted order; a label's index in this list is its class index
 * @param images every labeled image of the snapshot
 */
public record TrainingDataset(
    String snapshotId, List<String> classNames, List<LabeledImage> images) {}

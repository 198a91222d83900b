package dev.saguaro.trainer.data;

/**
 * One training example.
 *
 * @param imageId the image's id in its snapshot, used in error messages
 * @param encodedImage the JPEG or PNG file as stored
 * @param classIndex index of the image's label in {@link TrainingDataset#classNames()}
 */
public record LabeledImage(String imageId, byte[] encodedImage, int classIndex) {}

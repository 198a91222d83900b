package dev.saguaro.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded split of a dataset into training and validation images: the images are shuffled with
 * {@code java.util.Random(seed)}, the first {@code round(n * validationFraction)} become the
 * validation set and the rest the training set. The same images and seed always give the same
 * split.
 */
public record DatasetSplit(List<LabeledImage> training, List<LabeledImage> validation) {

  /** Splits {@code images}; either side may come out empty for a very small dataset. */
  public static DatasetSplit create(
      List<LabeledImage> images, double validationFraction, long seed) {
    List<LabeledImage> shuffled = new ArrayList<>(images);
    Collections.shuffle(shuffled, new Random(seed));
    int validationCount = (int) Math.round(shuffled.size() * validationFraction);
    return new DatasetSplit(
        List.copyOf(shuffled.subList(validationCount, shuffled.size())),
        List.copyOf(shuffled.subList(0, validationCount)));
  }
}

package dev.saguaro.tools.fashion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Orders the images of a split for sampling, so that a subset is a slice of that order: {@code
 * offset} images are skipped and the next {@code count} taken. Two slices of the same order with
 * the same seed never overlap, which is how a second batch avoids repeating the first.
 *
 * <p>The order depends only on the labels, the sampling and the seed. {@link Random} is used
 * because its sequence for a seed is fixed by its specification, so orders are reproducible across
 * JDKs.
 */
public final class SubsetOrder {

  private SubsetOrder() {}

  /** Returns every index {@code 0..labels.length-1} once, in the order of {@code sampling}. */
  public static int[] order(Sampling sampling, byte[] labels, long seed) {
    return switch (sampling) {
      case FIRST -> identity(labels.length);
      case RANDOM -> shuffled(identity(labels.length), new Random(seed));
      case STRATIFIED -> stratified(labels, new Random(seed));
    };
  }

  /**
   * Returns {@code count} entries of {@code order} from {@code offset}.
   *
   * @throws IllegalArgumentException if the slice does not fit in the order
   */
  public static int[] slice(int[] order, int offset, int count) {
    if (offset < 0 || count < 0) {
      throw new IllegalArgumentException(
          "Invalid offset " + offset + " or count " + count + ": both must be 0 or more");
    }
    if ((long) offset + count > order.length) {
      throw new IllegalArgumentException(
          "offset "
              + offset
              + " plus count "
              + count
              + " exceeds the "
              + order.length
              + " images of the split; lower --count or --offset");
    }
    return Arrays.copyOfRange(order, offset, offset + count);
  }

  private static int[] identity(int size) {
    int[] indices = new int[size];
    Arrays.setAll(indices, i -> i);
    return indices;
  }

  private static int[] shuffled(int[] indices, Random random) {
    for (int i = indices.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = indices[i];
      indices[i] = indices[j];
      indices[j] = swap;
    }
    return indices;
  }

  /**
   * Shuffles each class, then gives the j-th of the n images of a class the position (j + 0.5) / n
   * in [0, 1) and sorts all images by position. Any prefix of length k then contains about k * n /
   * total images of each class.
   */
  private static int[] stratified(byte[] labels, Random random) {
    List<List<Integer>> byLabel = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      byLabel.add(new ArrayList<>());
    }
    for (int index = 0; index < labels.length; index++) {
      byLabel.get(Byte.toUnsignedInt(labels[index])).add(index);
    }

    List<Ranked> ranked = new ArrayList<>(labels.length);
    for (int label = 0; label < byLabel.size(); label++) {
      List<Integer> members = byLabel.get(label);
      int[] shuffledMembers =
          shuffled(members.stream().mapToInt(Integer::intValue).toArray(), random);
      for (int j = 0; j < shuffledMembers.length; j++) {
        double position = (j + 0.5) / shuffledMembers.length;
        ranked.add(new Ranked(shuffledMembers[j], label, position));
      }
    }

    ranked.sort(Comparator.comparingDouble(Ranked::position).thenComparingInt(Ranked::label));
    return ranked.stream().mapToInt(Ranked::index).toArray();
  }

  private record Ranked(int index, int label, double position) {}
}

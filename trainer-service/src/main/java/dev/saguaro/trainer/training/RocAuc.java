package dev.saguaro.trainer.training;

import java.util.Arrays;
import java.util.Comparator;

/** ROC AUC of a binary classifier, computed exactly from ranks (Mann-Whitney U, ties averaged). */
final class RocAuc {

  private RocAuc() {}

  /**
   * Returns the probability that a random positive scores above a random negative, or {@code null}
   * when either class is missing from {@code positive}.
   */
  static Double compute(double[] scores, boolean[] positive) {
    int count = scores.length;
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));

    double positiveRankSum = 0;
    long positives = 0;
    int start = 0;
    while (start < count) {
      int end = start;
      while (end + 1 < count && scores[order[end + 1]] == scores[order[start]]) {
        end++;
      }
      double averageRank = (start + end) / 2.0 + 1;
      for (int i = start; i <= end; i++) {
        if (positive[order[i]]) {
          positiveRankSum += averageRank;
          positives++;
        }
      }
      start = end + 1;
    }

    long negatives = count - positives;
    if (positives == 0 || negatives == 0) {
      return null;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }
}

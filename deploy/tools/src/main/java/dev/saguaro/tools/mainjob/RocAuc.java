package dev.saguaro.tools.mainjob;

import java.util.Arrays;
import java.util.Comparator;

/** Area under the ROC curve of a binary classifier's scores. */
public final class RocAuc {

  private RocAuc() {}

  /**
   * Computes the ROC AUC as the Mann-Whitney U statistic: the probability that a random positive
   * scores higher than a random negative, with ties counted as one half.
   *
   * @param scores the classifier's score of each example, higher meaning more likely positive
   * @param positive whether each example is positive
   * @return the AUC in [0, 1], or {@code NaN} when one of the two classes has no example
   */
  public static double compute(double[] scores, boolean[] positive) {
    if (scores.length != positive.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + positive.length + " labels; pass one label per score");
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));

    // Ranks from 1, each group of tied scores sharing the mean of its ranks.
    double positiveRankSum = 0;
    long positives = 0;
    int start = 0;
    while (start < order.length) {
      int end = start;
      while (end + 1 < order.length && scores[order[end + 1]] == scores[order[start]]) {
        end++;
      }
      double meanRank = (start + end) / 2.0 + 1;
      for (int k = start; k <= end; k++) {
        if (positive[order[k]]) {
          positiveRankSum += meanRank;
          positives++;
        }
      }
      start = end + 1;
    }

    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    double u = positiveRankSum - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }
}

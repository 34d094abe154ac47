package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The linear-time selector against the reference's rule written out with a full sort and a
 * sorted cumulative sum, on many random rows: continuous scores, small integers (exact ties,
 * exact hits of alpha·S), rows with many zeros.
 */
class MaskSelectorOracleTest {

  /** The reference rule, literally: sort descending, cumsum, count below, pivot, threshold. */
  static boolean[] sortedRule(double[] scores, double alpha) {
    int n = scores.length;
    double total = 0;
    for (double s : scores) {
      total += s;
    }
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    for (int i = 0, j = n - 1; i < j; i++, j--) {
      double t = sorted[i];
      sorted[i] = sorted[j];
      sorted[j] = t;
    }
    int below = 0;
    double cumulative = 0;
    for (double s : sorted) {
      cumulative += s;
      if (cumulative < alpha * total) {
        below++;
      }
    }
    double threshold = sorted[below < n - 1 ? below + 1 : n - 1];
    boolean[] keep = new boolean[n];
    for (int k = 0; k < n; k++) {
      keep[k] = scores[k] > threshold;
    }
    return keep;
  }

  @Test
  void agreesWithTheSortedRuleOnTwentyThousandRandomRows() {
    Random random = new Random(2024);
    double[] alphas = {0.5, 0.8, 0.9, 0.95, 0.99, 1.0};
    for (int trial = 0; trial < 20_000; trial++) {
      int n = 1 + random.nextInt(trial % 10 == 0 ? 900 : 40);
      double[] scores = new double[n];
      int kind = trial % 3;
      for (int k = 0; k < n; k++) {
        scores[k] = switch (kind) {
          case 0 -> random.nextDouble() * Math.exp(random.nextGaussian() * 3);
          case 1 -> random.nextInt(6); // ties and exact sums
          default -> random.nextDouble() < 0.6 ? 0.0 : random.nextDouble();
        };
      }
      double alpha = kind == 1 ? alphas[random.nextInt(alphas.length)] : alphas[random.nextInt(alphas.length)];
      double[] copy = scores.clone();
      assertArrayEquals(sortedRule(scores, alpha), MaskSelector.keep(scores, alpha),
          "trial " + trial + " alpha " + alpha + " scores " + Arrays.toString(scores));
      assertArrayEquals(copy, scores, "input not modified");
    }
  }
}

package org.relief.model.prune;

import java.util.Arrays;

/**
 * Cumulative-alpha selection of one unit's connections (DESIGN.md "Selection").
 *
 * <p>Sort the scores (bias included) in descending order and keep the shortest prefix whose
 * cumulative sum reaches {@code alpha · S}; the threshold is the first score after that prefix,
 * and every entry at or below it is pruned, ties included. If the prefix needs every entry,
 * the threshold is the smallest score, so the least important entry is always pruned. This is
 * the reference's rule to the letter ({@code pivot = #(cumsum < alpha·S)}, then {@code +1}
 * capped at {@code L − 1}, prune {@code score <= sorted[pivot]}).
 */
public final class MaskSelector {
  private MaskSelector() {}

  /**
   * Which entries survive.
   *
   * @param scores non-negative, finite scores of one unit's connections; not modified
   * @param alpha fraction of the total score to keep, in (0, 1]
   * @return keep flags, same order as {@code scores}
   * @throws IllegalArgumentException on an empty, negative or non-finite score
   */
  public static boolean[] keep(double[] scores, double alpha) {
    PruningSettings.checkAlpha("alpha", alpha);
    int n = scores.length;
    if (n == 0) {
      throw new IllegalArgumentException("no scores to select from");
    }
    double total = 0;
    for (double s : scores) {
      if (!(s >= 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("scores must be finite and >= 0, got " + s);
      }
      total += s;
    }
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    reverse(sorted);
    double target = alpha * total;
    int below = 0;
    double cumulative = 0;
    for (double s : sorted) {
      cumulative += s;
      if (cumulative < target) {
        below++;
      }
    }
    int pivot = below < n - 1 ? below + 1 : n - 1;
    double threshold = sorted[pivot];
    boolean[] keep = new boolean[n];
    for (int k = 0; k < n; k++) {
      keep[k] = scores[k] > threshold;
    }
    return keep;
  }

  private static void reverse(double[] a) {
    for (int i = 0, j = a.length - 1; i < j; i++, j--) {
      double t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

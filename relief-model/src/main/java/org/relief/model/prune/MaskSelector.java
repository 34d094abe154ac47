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
 *
 * <p>No full sort is needed. Non-negative doubles order like their bit patterns, so one pass
 * files every score into a bucket by its top bits (exponent and two mantissa bits: quarter
 * octaves) and sums each bucket; walking the buckets from the top finds the one where the
 * cumulative sum crosses {@code alpha·S}, and only that bucket is sorted. Bucket sums are
 * taken in another order than a sorted cumulative sum, which moves them by a few ulps (the
 * conformance fixtures' smallest margins are ~1e-7 relative); the oracle test checks the rule
 * against a literal sort on random rows with ties and exact hits.
 */
public final class MaskSelector {
  private static final int SHIFT = 50; // keep 11 exponent bits and 2 mantissa bits
  private static final int BUCKETS = 1 << (63 - SHIFT);

  /** Per-thread bucket tables, cleared after each use (selection runs on parallel streams). */
  private static final ThreadLocal<Buckets> SCRATCH = ThreadLocal.withInitial(Buckets::new);

  private static final class Buckets {
    final int[] count = new int[BUCKETS];
    final double[] sum = new double[BUCKETS];
  }

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
    double threshold = threshold(scores, alpha * total);
    boolean[] keep = new boolean[n];
    for (int k = 0; k < n; k++) {
      keep[k] = scores[k] > threshold;
    }
    return keep;
  }

  /** {@code sorted[pivot]} of the reference rule, for the cumulative target {@code target}. */
  private static double threshold(double[] scores, double target) {
    int n = scores.length;
    Buckets b = SCRATCH.get();
    int low = BUCKETS;
    int high = -1;
    for (double s : scores) {
      int key = bucket(s);
      b.count[key]++;
      b.sum[key] += s;
      low = Math.min(low, key);
      high = Math.max(high, key);
    }
    try {
      // Walk down the buckets; `above` = sum of all higher buckets, `rank` = their size.
      double above = 0;
      int rank = 0;
      int prefix = n; // #(cumsum < target); n if the target is never reached
      double[] sorted = null;
      int sortedKey = -1;
      for (int key = high; key >= low && prefix == n; key--) {
        if (b.count[key] == 0) {
          continue;
        }
        if (above + b.sum[key] < target) {
          above += b.sum[key];
          rank += b.count[key];
          continue;
        }
        sorted = descending(scores, key, b.count[key]);
        sortedKey = key;
        double cumulative = above;
        for (int m = 0; m < sorted.length; m++) {
          cumulative += sorted[m];
          if (cumulative >= target) {
            prefix = rank + m;
            break;
          }
        }
        if (prefix == n) { // the bucket's own sum was rounded up past the target
          above = cumulative;
          rank += sorted.length;
        }
      }
      int pivot = prefix < n - 1 ? prefix + 1 : n - 1;
      return valueAtRank(scores, b, pivot, high, low, sorted, sortedKey);
    } finally {
      for (int key = low; key <= high; key++) {
        b.count[key] = 0;
        b.sum[key] = 0;
      }
    }
  }

  /** The value of descending rank {@code rank}, reusing an already sorted bucket if it holds it. */
  private static double valueAtRank(double[] scores, Buckets b, int rank, int high, int low, double[] sorted,
      int sortedKey) {
    int before = 0;
    for (int key = high; key >= low; key--) {
      int c = b.count[key];
      if (rank < before + c) {
        double[] bucket = key == sortedKey ? sorted : descending(scores, key, c);
        return bucket[rank - before];
      }
      before += c;
    }
    throw new IllegalStateException("rank " + rank + " outside " + before + " scores");
  }

  private static int bucket(double s) {
    return (int) (Double.doubleToRawLongBits(s) >>> SHIFT);
  }

  /** The scores that fall into bucket {@code key}, largest first. */
  private static double[] descending(double[] scores, int key, int count) {
    double[] out = new double[count];
    int k = 0;
    for (double s : scores) {
      if (bucket(s) == key) {
        out[k++] = s;
      }
    }
    Arrays.sort(out);
    for (int i = 0, j = count - 1; i < j; i++, j--) {
      double t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}

package org.relief.model.train;

import java.util.SplittableRandom;

/**
 * The order in which an epoch visits the training data: a permutation drawn from the run's
 * seed, the phase's name and the epoch number, so that a resumed run, or the same phase on
 * another trainer, sees the same order.
 */
public final class EpochOrder {
  private EpochOrder() {}

  public static int[] of(int n, long seed, String phase, int epoch) {
    return permutation(n, new SplittableRandom(seed ^ (31L * phase.hashCode() + epoch) * 0x9E3779B97F4A7C15L));
  }

  /** A uniform random permutation of 0 … n−1 (Fisher–Yates); the identity if {@code random} is null. */
  public static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0 && random != null; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}

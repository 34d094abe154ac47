package org.relief.model.data;

import java.util.SplittableRandom;
import org.relief.model.ReliefInputException;

/**
 * The pruning set: a seeded random sample of N training examples (DESIGN.md, "What a user
 * does"; the reference draws it with a seeded permutation of the training set).
 */
public final class PruningSet {
  private PruningSet() {}

  /**
   * The first {@code n} entries of a seeded random permutation of {@code 0 .. size-1}; the same
   * seed always gives the same sample.
   */
  public static int[] sampleIndices(int size, int n, long seed) {
    if (n <= 0 || n > size) {
      throw new ReliefInputException("pruning-set size must be in [1, " + size + "] (the training set), got " + n);
    }
    int[] perm = new int[size];
    for (int i = 0; i < size; i++) {
      perm[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) { // partial Fisher–Yates: only the first n places are needed
      int j = i + random.nextInt(size - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] out = new int[n];
    System.arraycopy(perm, 0, out, 0, n);
    return out;
  }
}

package org.relief.model.bench;

import java.util.Arrays;

/** Medians of repeated timings. */
public final class Medians {
  private Medians() {}

  public static double of(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}

package org.relief.model.prune;

import java.util.Arrays;

/**
 * {@link NormKernel} in plain Java: one filter at a time, its squared norms accumulated over the
 * lanes in passes of five terms. JDK 17's C2 vectorises each pass; a loop that writes two filters'
 * arrays is not vectorised at all (measured: 2.5× slower), since C2 cannot rule out that they
 * alias. Five-term passes ran at 23 GMAC/s a core with 128 lanes. They read the terms from an
 * array per row, copied off the caller's single array: with five rows at five offsets of one
 * array C2 vectorised nothing, and a VGG-like {@code frobenius} step took 11.6 s instead of 7.3.
 */
final class ScalarNormKernel implements NormKernel {
  private static final int TERMS = 5;
  private final ThreadLocal<float[]> squares = ThreadLocal.withInitial(() -> new float[FrobeniusSums.LANES]);
  private final ThreadLocal<float[][]> rows = ThreadLocal.withInitial(() -> new float[0][]);

  @Override
  public void addNorms(float[] products, int count, int[] filters, float[] flatTerms, int stride, int lanes,
      float[][] totals) {
    float[] acc = squares.get();
    if (acc.length < lanes) {
      acc = new float[lanes];
      squares.set(acc);
    }
    float[][] terms = rows(count, lanes);
    for (int q = 0; q < count; q++) {
      System.arraycopy(flatTerms, q * stride, terms[q], 0, lanes);
    }
    for (int j : filters) {
      int p = j * count;
      Arrays.fill(acc, 0, lanes, 0f);
      int q = 0;
      for (; q + TERMS <= count; q += TERMS) {
        fiveTerms(products, p + q, terms, q, acc, lanes);
      }
      for (; q < count; q++) {
        float w0 = products[p + q];
        float[] g0 = terms[q];
        for (int l = 0; l < lanes; l++) {
          acc[l] = Math.fma(w0, g0[l], acc[l]);
        }
      }
      float[] total = totals[j];
      for (int base = 0; base < lanes; base += LANE_MULTIPLE) {
        for (int k = 0; k < LANE_MULTIPLE; k++) {
          total[k] += (float) Math.sqrt(acc[base + k]);
        }
      }
    }
  }

  /** This thread's row arrays, at least {@code count} of at least {@code lanes} floats. */
  private float[][] rows(int count, int lanes) {
    float[][] r = rows.get();
    if (r.length < count || r.length > 0 && r[0].length < lanes) {
      r = new float[Math.max(count, r.length)][Math.max(lanes, r.length > 0 ? r[0].length : 0)];
      rows.set(r);
    }
    return r;
  }

  /** acc[l] += w_q·f_q[l] for q in [q, q + 5), in order, as fused multiply-adds. */
  private static void fiveTerms(float[] products, int p, float[][] terms, int q, float[] acc, int lanes) {
    float w0 = products[p];
    float w1 = products[p + 1];
    float w2 = products[p + 2];
    float w3 = products[p + 3];
    float w4 = products[p + 4];
    float[] g0 = terms[q];
    float[] g1 = terms[q + 1];
    float[] g2 = terms[q + 2];
    float[] g3 = terms[q + 3];
    float[] g4 = terms[q + 4];
    for (int l = 0; l < lanes; l++) {
      acc[l] = Math.fma(w4, g4[l], Math.fma(w3, g3[l], Math.fma(w2, g2[l], Math.fma(w1, g1[l], Math.fma(w0, g0[l], acc[l])))));
    }
  }
}

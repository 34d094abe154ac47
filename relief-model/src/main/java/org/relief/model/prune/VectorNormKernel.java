package org.relief.model.prune;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NormKernel} on the JDK's Vector API: four filters × four vectors of lanes, sixteen
 * accumulators held in registers through all the terms, so each term costs four loads of f, four
 * broadcasts of w and sixteen fused multiply-adds. On VGG-like's 45-term layers it ran at 88
 * GMAC/s on two cores against the scalar kernel's 34 (docs/BENCHMARKS.md). Only {@link
 * NormKernel.Selection} names this class, by reflection, and only when the incubator module is
 * in the boot layer.
 *
 * <p>Every vector is built and consumed inside one method body: a vector that crosses a call C2
 * did not inline is boxed on the heap, which made an earlier version 10× slower.
 */
final class VectorNormKernel implements NormKernel {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int V = SPECIES.length();

  VectorNormKernel() {
    if (V > LANE_MULTIPLE || LANE_MULTIPLE % V != 0) {
      throw new UnsupportedOperationException(V + "-float vectors do not divide blocks of " + LANE_MULTIPLE + " lanes");
    }
  }

  /** {@link #fourByFour}'s sixteen sums of squares, on their way to their square roots. */
  private final ThreadLocal<float[]> squares = ThreadLocal.withInitial(() -> new float[16 * V]);

  @Override
  public void addNorms(float[] products, int count, int[] filters, float[] terms, int stride, int lanes,
      float[][] totals) {
    float[] sums = squares.get();
    int f = 0;
    for (; f + 4 <= filters.length; f += 4) {
      int l = 0;
      for (; l + 4 * V <= lanes; l += 4 * V) {
        fourByFour(products, count, filters, f, terms, stride, l, totals, sums);
      }
      for (; l < lanes; l += V) {
        fourByOne(products, count, filters, f, terms, stride, l, totals, sums);
      }
    }
    for (; f < filters.length; f++) {
      int p = filters[f] * count;
      float[] total = totals[filters[f]];
      for (int l = 0; l < lanes; l += V) {
        FloatVector a = FloatVector.zero(SPECIES);
        for (int q = 0; q < count; q++) {
          a = FloatVector.fromArray(SPECIES, terms, q * stride + l).fma(FloatVector.broadcast(SPECIES, products[p + q]), a);
        }
        addTo(total, l, a.sqrt());
      }
    }
  }

  /** totals[lane % LANE_MULTIPLE] += norms, for the V lanes from {@code lane}; inlined by C2. */
  private static void addTo(float[] totals, int lane, FloatVector norms) {
    int at = lane & (LANE_MULTIPLE - 1);
    FloatVector.fromArray(SPECIES, totals, at).add(norms).intoArray(totals, at);
  }

  /** Filters f..f+3 on lanes [l, l + 4V). */
  private static void fourByFour(float[] products, int count, int[] filters, int f, float[] terms, int stride, int l,
      float[][] totals, float[] sums) {
    int pa = filters[f] * count;
    int pb = filters[f + 1] * count;
    int pc = filters[f + 2] * count;
    int pd = filters[f + 3] * count;
    FloatVector a0 = FloatVector.zero(SPECIES);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    FloatVector c0 = a0;
    FloatVector c1 = a0;
    FloatVector c2 = a0;
    FloatVector c3 = a0;
    FloatVector d0 = a0;
    FloatVector d1 = a0;
    FloatVector d2 = a0;
    FloatVector d3 = a0;
    for (int q = 0; q < count; q++) {
      int at = q * stride + l;
      FloatVector x0 = FloatVector.fromArray(SPECIES, terms, at);
      FloatVector x1 = FloatVector.fromArray(SPECIES, terms, at + V);
      FloatVector x2 = FloatVector.fromArray(SPECIES, terms, at + 2 * V);
      FloatVector x3 = FloatVector.fromArray(SPECIES, terms, at + 3 * V);
      FloatVector w = FloatVector.broadcast(SPECIES, products[pa + q]);
      a0 = x0.fma(w, a0);
      a1 = x1.fma(w, a1);
      a2 = x2.fma(w, a2);
      a3 = x3.fma(w, a3);
      w = FloatVector.broadcast(SPECIES, products[pb + q]);
      b0 = x0.fma(w, b0);
      b1 = x1.fma(w, b1);
      b2 = x2.fma(w, b2);
      b3 = x3.fma(w, b3);
      w = FloatVector.broadcast(SPECIES, products[pc + q]);
      c0 = x0.fma(w, c0);
      c1 = x1.fma(w, c1);
      c2 = x2.fma(w, c2);
      c3 = x3.fma(w, c3);
      w = FloatVector.broadcast(SPECIES, products[pd + q]);
      d0 = x0.fma(w, d0);
      d1 = x1.fma(w, d1);
      d2 = x2.fma(w, d2);
      d3 = x3.fma(w, d3);
    }
    a0.intoArray(sums, 0);
    a1.intoArray(sums, V);
    a2.intoArray(sums, 2 * V);
    a3.intoArray(sums, 3 * V);
    b0.intoArray(sums, 4 * V);
    b1.intoArray(sums, 5 * V);
    b2.intoArray(sums, 6 * V);
    b3.intoArray(sums, 7 * V);
    c0.intoArray(sums, 8 * V);
    c1.intoArray(sums, 9 * V);
    c2.intoArray(sums, 10 * V);
    c3.intoArray(sums, 11 * V);
    d0.intoArray(sums, 12 * V);
    d1.intoArray(sums, 13 * V);
    d2.intoArray(sums, 14 * V);
    d3.intoArray(sums, 15 * V);
    addRoots(sums, filters, f, l, totals);
  }

  /**
   * totals[filters[f + i]] += √sums[4i + k] on lanes l + kV, for i, k in 0..3. A loop of its own:
   * sixteen inlined {@link #addTo} calls in {@link #fourByFour} passed C2's node-count cutoff, and
   * the vectors of the calls it did not inline were boxed on the heap.
   */
  private static void addRoots(float[] sums, int[] filters, int f, int l, float[][] totals) {
    for (int i = 0; i < 4; i++) {
      float[] t = totals[filters[f + i]];
      for (int k = 0; k < 4; k++) {
        addTo(t, l + k * V, FloatVector.fromArray(SPECIES, sums, (4 * i + k) * V).sqrt());
      }
    }
  }

  /** Filters f..f+3 on lanes [l, l + V); square roots as in {@link #fourByFour}, in a loop of their own. */
  private static void fourByOne(float[] products, int count, int[] filters, int f, float[] terms, int stride, int l,
      float[][] totals, float[] sums) {
    int pa = filters[f] * count;
    int pb = filters[f + 1] * count;
    int pc = filters[f + 2] * count;
    int pd = filters[f + 3] * count;
    FloatVector a = FloatVector.zero(SPECIES);
    FloatVector b = a;
    FloatVector c = a;
    FloatVector d = a;
    for (int q = 0; q < count; q++) {
      FloatVector x = FloatVector.fromArray(SPECIES, terms, q * stride + l);
      a = x.fma(FloatVector.broadcast(SPECIES, products[pa + q]), a);
      b = x.fma(FloatVector.broadcast(SPECIES, products[pb + q]), b);
      c = x.fma(FloatVector.broadcast(SPECIES, products[pc + q]), c);
      d = x.fma(FloatVector.broadcast(SPECIES, products[pd + q]), d);
    }
    a.intoArray(sums, 0);
    b.intoArray(sums, V);
    c.intoArray(sums, 2 * V);
    d.intoArray(sums, 3 * V);
    for (int i = 0; i < 4; i++) {
      addTo(totals[filters[f + i]], l, FloatVector.fromArray(SPECIES, sums, i * V).sqrt());
    }
  }
}

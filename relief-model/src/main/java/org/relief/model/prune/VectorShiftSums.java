package org.relief.model.prune;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ShiftSums} on the JDK's Vector API: per rectangle and vector of lanes, the 13 sums sit
 * in registers while the pixels stream past, so each pixel costs one load of x(r, c), 13 loads of
 * its neighbours (L1-resident: three map rows) and 13 fused multiply-adds. Only {@link
 * ShiftSums.Selection} names this class, by reflection, and only when the incubator module is in
 * the boot layer.
 *
 * <p>Every vector is built and consumed inside this method body: a vector that crosses a call
 * C2 did not inline is boxed on the heap (see {@link VectorNormKernel}).
 */
final class VectorShiftSums implements ShiftSums {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int V = SPECIES.length();

  VectorShiftSums() {
    if (V > LANES || LANES % V != 0 || ShiftGrams.SHIFTS.length != 13) {
      throw new UnsupportedOperationException(V + "-float vectors do not divide blocks of " + LANES + " lanes");
    }
  }

  @Override
  public void blockSums(float[] map, int mapCols, ShiftGrams.Axis rows, ShiftGrams.Axis cols, int[] offsets,
      float[] out) {
    int o0 = offsets[0];
    int o1 = offsets[1];
    int o2 = offsets[2];
    int o3 = offsets[3];
    int o4 = offsets[4];
    int o5 = offsets[5];
    int o6 = offsets[6];
    int o7 = offsets[7];
    int o8 = offsets[8];
    int o9 = offsets[9];
    int o10 = offsets[10];
    int o11 = offsets[11];
    int o12 = offsets[12];
    int at = 0;
    int colStep = cols.stride() * LANES;
    for (int i = 0; i < rows.count(); i++) {
      int rowCount = (rows.end()[i] - rows.start()[i] + rows.stride() - 1) / rows.stride();
      for (int j = 0; j < cols.count(); j++, at += 13 * LANES) {
        int colCount = (cols.end()[j] - cols.start()[j] + cols.stride() - 1) / cols.stride();
        // From the last pixel of one row of the rectangle to the first of the next.
        int rowStep = (rows.stride() * mapCols - colCount * cols.stride()) * LANES;
        for (int h = 0; h < LANES; h += V) {
          FloatVector a0 = FloatVector.zero(SPECIES);
          FloatVector a1 = FloatVector.zero(SPECIES);
          FloatVector a2 = FloatVector.zero(SPECIES);
          FloatVector a3 = FloatVector.zero(SPECIES);
          FloatVector a4 = FloatVector.zero(SPECIES);
          FloatVector a5 = FloatVector.zero(SPECIES);
          FloatVector a6 = FloatVector.zero(SPECIES);
          FloatVector a7 = FloatVector.zero(SPECIES);
          FloatVector a8 = FloatVector.zero(SPECIES);
          FloatVector a9 = FloatVector.zero(SPECIES);
          FloatVector a10 = FloatVector.zero(SPECIES);
          FloatVector a11 = FloatVector.zero(SPECIES);
          FloatVector a12 = FloatVector.zero(SPECIES);
          // One loop over the rectangle's pixels, not one per row: C2 (JDK 17) boxed accumulators
          // carried through a nested loop's phis on the heap (measured: ~5x slower).
          int p = (rows.start()[i] * mapCols + cols.start()[j] + 2) * LANES + h;
          for (int t = 0, c = 0, pixels = rowCount * colCount; t < pixels; t++) {
            FloatVector x = FloatVector.fromArray(SPECIES, map, p);
            a0 = x.fma(FloatVector.fromArray(SPECIES, map, p + o0), a0);
            a1 = x.fma(FloatVector.fromArray(SPECIES, map, p + o1), a1);
            a2 = x.fma(FloatVector.fromArray(SPECIES, map, p + o2), a2);
            a3 = x.fma(FloatVector.fromArray(SPECIES, map, p + o3), a3);
            a4 = x.fma(FloatVector.fromArray(SPECIES, map, p + o4), a4);
            a5 = x.fma(FloatVector.fromArray(SPECIES, map, p + o5), a5);
            a6 = x.fma(FloatVector.fromArray(SPECIES, map, p + o6), a6);
            a7 = x.fma(FloatVector.fromArray(SPECIES, map, p + o7), a7);
            a8 = x.fma(FloatVector.fromArray(SPECIES, map, p + o8), a8);
            a9 = x.fma(FloatVector.fromArray(SPECIES, map, p + o9), a9);
            a10 = x.fma(FloatVector.fromArray(SPECIES, map, p + o10), a10);
            a11 = x.fma(FloatVector.fromArray(SPECIES, map, p + o11), a11);
            a12 = x.fma(FloatVector.fromArray(SPECIES, map, p + o12), a12);
            p += colStep;
            if (++c == colCount) {
              c = 0;
              p += rowStep;
            }
          }
          a0.intoArray(out, at + h + 0 * LANES);
          a1.intoArray(out, at + h + 1 * LANES);
          a2.intoArray(out, at + h + 2 * LANES);
          a3.intoArray(out, at + h + 3 * LANES);
          a4.intoArray(out, at + h + 4 * LANES);
          a5.intoArray(out, at + h + 5 * LANES);
          a6.intoArray(out, at + h + 6 * LANES);
          a7.intoArray(out, at + h + 7 * LANES);
          a8.intoArray(out, at + h + 8 * LANES);
          a9.intoArray(out, at + h + 9 * LANES);
          a10.intoArray(out, at + h + 10 * LANES);
          a11.intoArray(out, at + h + 11 * LANES);
          a12.intoArray(out, at + h + 12 * LANES);
        }
      }
    }
  }

  @Override
  public void addPieces(float[] pieceSums, int[] shift, float[] fold, int[][] pieces, float[][] terms, int block) {
    for (int q = 0; q < shift.length; q++) {
      for (int h = 0; h < LANES; h += V) {
        FloatVector g = FloatVector.zero(SPECIES);
        for (int piece : pieces[q]) {
          g = g.add(FloatVector.fromArray(SPECIES, pieceSums, (piece * 13 + shift[q]) * LANES + h));
        }
        g.mul(fold[q]).intoArray(terms[q], block + h);
      }
    }
  }

  /** Sample k's lane of a pixel gathered from {@code planes[k·H·W + pixel]}, a vector of lanes at a time. */
  @Override
  public void load(float[] planes, int count, int inH, int inW, int mapCols, float[] map) {
    int plane = inH * inW;
    int[] index = new int[LANES];
    for (int k = 0; k < LANES; k++) {
      index[k] = (k < count ? k : 0) * plane;
    }
    for (int h = 0; h < LANES; h += V) {
      for (int r = 0; r < inH; r++) {
        int to = (r * mapCols + 2) * LANES + h;
        int from = r * inW;
        for (int c = 0; c < inW; c++) {
          FloatVector.fromArray(SPECIES, planes, from + c, index, h).abs().intoArray(map, to + c * LANES);
        }
      }
    }
  }
}

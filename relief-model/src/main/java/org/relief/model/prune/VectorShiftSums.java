package org.relief.model.prune;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ShiftSums} on the JDK's Vector API: per rectangle and vector of lanes, the 13 sums sit
 * in registers while the pixels stream past. Where the columns are consecutive (stride 1), two
 * neighbouring pixels of a row are taken together: they share most of their neighbours, so the
 * pair costs 16 loads instead of 28 for its 26 fused multiply-adds. Only {@link
 * ShiftSums.Selection} names this class, by reflection, and only when the incubator module is in
 * the boot layer.
 *
 * <p>Every vector is built and consumed inside one method body: a vector that crosses a call C2
 * did not inline is boxed on the heap (see {@link VectorNormKernel}), and so is one carried
 * through the phis of nested loops (JDK 17; measured ~5× slower), hence the single loops over a
 * rectangle's pixels.
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
    int at = 0;
    for (int i = 0; i < rows.count(); i++) {
      int rowCount = rows.length(i);
      for (int j = 0; j < cols.count(); j++, at += 13 * LANES) {
        int colCount = cols.length(j);
        int first = (rows.start()[i] * mapCols + cols.start()[j] + 2) * LANES;
        int rowPitch = rows.stride() * mapCols * LANES;
        for (int h = 0; h < LANES; h += V) {
          if (cols.stride() == 1 && colCount >= 2) {
            pairsThenLastColumn(map, first + h, rowCount, colCount, rowPitch, mapCols * LANES, offsets, out, at + h);
          } else {
            rowMajor(map, first + h, rowCount, colCount, cols.stride() * LANES, rowPitch, offsets, out, at + h);
          }
        }
      }
    }
  }

  /** The rectangle's pixels in row-major order, {@code colStep} floats apart within a row. */
  private static void rowMajor(float[] map, int first, int rowCount, int colCount, int colStep, int rowPitch,
      int[] offsets, float[] out, int at) {
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
    int p = first;
    // One loop over the rectangle's pixels, not one per row: see the class comment.
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
        p += rowPitch - colCount * colStep;
      }
    }
    a0.intoArray(out, at + 0 * LANES);
    a1.intoArray(out, at + 1 * LANES);
    a2.intoArray(out, at + 2 * LANES);
    a3.intoArray(out, at + 3 * LANES);
    a4.intoArray(out, at + 4 * LANES);
    a5.intoArray(out, at + 5 * LANES);
    a6.intoArray(out, at + 6 * LANES);
    a7.intoArray(out, at + 7 * LANES);
    a8.intoArray(out, at + 8 * LANES);
    a9.intoArray(out, at + 9 * LANES);
    a10.intoArray(out, at + 10 * LANES);
    a11.intoArray(out, at + 11 * LANES);
    a12.intoArray(out, at + 12 * LANES);
  }

  /**
   * Consecutive columns: the first 2⌊colCount/2⌋ columns in row-major order, two pixels at a time,
   * then the last column top to bottom if colCount is odd ({@link ShiftSums}' order).
   */
  private static void pairsThenLastColumn(float[] map, int first, int rowCount, int colCount, int rowPitch, int line,
      int[] offsets, float[] out, int at) {
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
    int pairs = colCount / 2;
    int p = first;
    for (int t = 0, c = 0, all = rowCount * pairs; t < all; t++) {
      FloatVector x0 = FloatVector.fromArray(SPECIES, map, p);
      FloatVector x1 = FloatVector.fromArray(SPECIES, map, p + 1 * LANES);
      FloatVector x2 = FloatVector.fromArray(SPECIES, map, p + 2 * LANES);
      FloatVector x3 = FloatVector.fromArray(SPECIES, map, p + 3 * LANES);
      FloatVector ym2 = FloatVector.fromArray(SPECIES, map, p + line - 2 * LANES);
      FloatVector ym1 = FloatVector.fromArray(SPECIES, map, p + line - 1 * LANES);
      FloatVector y0 = FloatVector.fromArray(SPECIES, map, p + line);
      FloatVector y1 = FloatVector.fromArray(SPECIES, map, p + line + 1 * LANES);
      FloatVector y2 = FloatVector.fromArray(SPECIES, map, p + line + 2 * LANES);
      FloatVector y3 = FloatVector.fromArray(SPECIES, map, p + line + 3 * LANES);
      FloatVector zm2 = FloatVector.fromArray(SPECIES, map, p + 2 * line - 2 * LANES);
      FloatVector zm1 = FloatVector.fromArray(SPECIES, map, p + 2 * line - 1 * LANES);
      FloatVector z0 = FloatVector.fromArray(SPECIES, map, p + 2 * line);
      FloatVector z1 = FloatVector.fromArray(SPECIES, map, p + 2 * line + 1 * LANES);
      FloatVector z2 = FloatVector.fromArray(SPECIES, map, p + 2 * line + 2 * LANES);
      FloatVector z3 = FloatVector.fromArray(SPECIES, map, p + 2 * line + 3 * LANES);
      a0 = x1.fma(x1, x0.fma(x0, a0));
      a1 = x1.fma(x2, x0.fma(x1, a1));
      a2 = x1.fma(x3, x0.fma(x2, a2));
      a3 = x1.fma(ym1, x0.fma(ym2, a3));
      a4 = x1.fma(y0, x0.fma(ym1, a4));
      a5 = x1.fma(y1, x0.fma(y0, a5));
      a6 = x1.fma(y2, x0.fma(y1, a6));
      a7 = x1.fma(y3, x0.fma(y2, a7));
      a8 = x1.fma(zm1, x0.fma(zm2, a8));
      a9 = x1.fma(z0, x0.fma(zm1, a9));
      a10 = x1.fma(z1, x0.fma(z0, a10));
      a11 = x1.fma(z2, x0.fma(z1, a11));
      a12 = x1.fma(z3, x0.fma(z2, a12));
      p += 2 * LANES;
      if (++c == pairs) {
        c = 0;
        p += rowPitch - 2 * pairs * LANES;
      }
    }
    if (colCount % 2 == 1) {
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
      p = first + (colCount - 1) * LANES;
      for (int t = 0; t < rowCount; t++, p += rowPitch) {
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
      }
    }
    a0.intoArray(out, at + 0 * LANES);
    a1.intoArray(out, at + 1 * LANES);
    a2.intoArray(out, at + 2 * LANES);
    a3.intoArray(out, at + 3 * LANES);
    a4.intoArray(out, at + 4 * LANES);
    a5.intoArray(out, at + 5 * LANES);
    a6.intoArray(out, at + 6 * LANES);
    a7.intoArray(out, at + 7 * LANES);
    a8.intoArray(out, at + 8 * LANES);
    a9.intoArray(out, at + 9 * LANES);
    a10.intoArray(out, at + 10 * LANES);
    a11.intoArray(out, at + 11 * LANES);
    a12.intoArray(out, at + 12 * LANES);
  }

  @Override
  public void addPieces(float[] pieceSums, int[] shift, float[] fold, int[][] pieces, float[] terms, int stride,
      int block) {
    for (int q = 0; q < shift.length; q++) {
      for (int h = 0; h < LANES; h += V) {
        FloatVector g = FloatVector.zero(SPECIES);
        for (int piece : pieces[q]) {
          g = g.add(FloatVector.fromArray(SPECIES, pieceSums, (piece * 13 + shift[q]) * LANES + h));
        }
        g.mul(fold[q]).intoArray(terms, q * stride + block + h);
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

package org.relief.model.prune;

import org.relief.model.VectorApi;

/**
 * The innermost loop of {@link ShiftGrams}: for one block of {@value #LANES} samples held in
 * lanes of a zero-bordered map, and every rectangle (row segment i × column segment j) of the
 * map, the 13 sums Σ_{(r, c) in the rectangle} x(r, c)·x(r + du, c + dv), one per shift (du, dv)
 * of a 3×3 kernel ({@link ShiftGrams#SHIFTS}).
 *
 * <p>Two implementations with bitwise-equal results, so masks do not depend on how a JVM was
 * started: in each lane, each sum is the chain of fused multiply-adds over the rectangle's
 * pixels starting from zero, in row-major order, except that where the columns are consecutive
 * (stride 1) and there are at least two, an odd last column comes after all the others, top to
 * bottom (the Vector API kernel takes pixels two at a time along a row). {@link VectorShiftSums} holds the 13 sums of a
 * vector of lanes in registers (JDK's Vector API); {@link ScalarShiftSums} is plain Java.
 */
interface ShiftSums {
  /** Samples per map block: each pixel's values are this many consecutive floats. */
  int LANES = NormKernel.LANE_MULTIPLE;

  /**
   * Fills {@code out[((i·J + j)·13 + s)·LANES + l]} for row segments i, column segments j (of J),
   * shifts s and lanes l. Pixel (r, c)'s lanes start at {@code (r·mapCols + c + 2)·LANES} in
   * {@code map}; {@code offsets[s]} is shift s's distance in floats.
   */
  void blockSums(float[] map, int mapCols, ShiftGrams.Axis rows, ShiftGrams.Axis cols, int[] offsets, float[] out);

  /**
   * {@code terms[q·stride + block + l] = fold[q]·Σ_p pieceSums[(pieces[q][p]·13 + shift[q])·LANES + l]}
   * for every Gram entry q and lane l < {@value #LANES}, the pieces added in order onto zero.
   */
  void addPieces(float[] pieceSums, int[] shift, float[] fold, int[][] pieces, float[] terms, int stride, int block);

  /**
   * Writes |x| of {@code count} ≤ {@value #LANES} samples' H×W maps, sample k's at {@code
   * planes[k·H·W]}, into lanes [0, count) of pixels (r, c) of {@code map}, rows r < H and columns
   * c < W; the border is not written. Lanes past {@code count} get some sample's values.
   */
  void load(float[] planes, int count, int inH, int inW, int mapCols, float[] map);

  /** The Vector API kernel where the JVM has it, else the plain-Java one. */
  static ShiftSums fastest() {
    return Selection.FASTEST;
  }

  /** Made once per JVM. */
  final class Selection {
    static final ShiftSums FASTEST = VectorApi.load(ShiftSums.class, ShiftSums.class.getPackageName() + ".VectorShiftSums")
        .orElseGet(ScalarShiftSums::new);

    private Selection() {}
  }
}

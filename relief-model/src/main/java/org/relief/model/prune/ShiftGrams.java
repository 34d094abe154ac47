package org.relief.model.prune;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.relief.model.net.PrunableLayer;

/**
 * The folded patch Gram matrices of {@link PatchGrams} for 3×3 convolutions, from sums of shifted
 * products instead of patches. The entry for kernel positions a = (u, v) and a' = (u + du,
 * v + dv) is G_aa' = Σ_{(r, c) ∈ R_u × C_v} x(r, c)·x(r + du, c + dv): the sum of one shift's
 * products over the pixels R_u × C_v of the map (R_u: the rows kernel row u sees, u − pad + S·m
 * for m < outH, within the map; C_v likewise), with x zero off the map. The 45 entries share 13
 * shifts, and the pixel sets of different (u, v) differ only in their first and last rows and
 * columns (and, with stride S > 1, in their phase mod S). So the map is cut into pieces along
 * those edges ({@link Axis}: 3 × 3 pieces for stride 1 and padding 1: an edge row, the inner
 * rows, the other edge row, and likewise for columns), {@link ShiftSums} sums each shift's
 * products over each piece once, and each entry adds its pieces. That is 13 multiply-adds per
 * pixel, from registers, where {@link PatchGrams} spends ~13 that each load and store an
 * accumulator (measured in docs/BENCHMARKS.md, "Frobenius Grams from shifted products").
 *
 * <p>Samples sit in lanes, {@value ShiftSums#LANES} to a map block, each pixel's lanes
 * consecutive. The map keeps a zero border of two columns either side and two rows below, so a
 * neighbour off the map reads zero and every piece is summed over all 13 shifts alike. The border
 * is never written. All products are non-negative, so float sums lose nothing to cancellation.
 */
final class ShiftGrams implements SquaredNormTerms {
  /** The 13 shifts (du, dv) between positions a ≤ a' of a 3×3 kernel, in {@link ShiftSums}' order. */
  static final int[][] SHIFTS = {
      {0, 0}, {0, 1}, {0, 2},
      {1, -2}, {1, -1}, {1, 0}, {1, 1}, {1, 2},
      {2, -2}, {2, -1}, {2, 0}, {2, 1}, {2, 2}};
  private static final int K = 3;
  private static final int LANES = ShiftSums.LANES;

  private final int inH;
  private final int inW;
  /** Map columns including the border: two either side. */
  private final int mapCols;
  private final Axis rows;
  private final Axis cols;
  /** Shift s's distance in the map, in floats. */
  private final int[] offsets = new int[SHIFTS.length];
  /** Per folded Gram entry q: its shift, its fold factor (1 on the diagonal, 2 off it) and the pieces it adds, in order. */
  private final int[] pairShift;
  private final float[] pairFold;
  private final int[][] pairPieces;
  private final ShiftSums sums;

  /** Whether the layer is a 3×3 convolution, which this form covers. */
  static boolean covers(PrunableLayer layer) {
    return layer.isConv() && layer.kernelH() == K && layer.kernelW() == K;
  }

  ShiftGrams(PrunableLayer layer) {
    this(layer, ShiftSums.fastest());
  }

  ShiftGrams(PrunableLayer layer, ShiftSums sums) {
    if (!covers(layer)) {
      throw new IllegalArgumentException(layer.name() + " is not a 3x3 convolution");
    }
    this.sums = sums;
    inH = layer.inH();
    inW = layer.inW();
    mapCols = inW + 4;
    rows = Axis.of(layer.strideH(), layer.padH(), layer.outH(), inH);
    cols = Axis.of(layer.strideW(), layer.padW(), layer.outW(), inW);
    for (int s = 0; s < SHIFTS.length; s++) {
      offsets[s] = (SHIFTS[s][0] * mapCols + SHIFTS[s][1]) * LANES;
    }
    int pairs = K * K * (K * K + 1) / 2;
    pairShift = new int[pairs];
    pairFold = new float[pairs];
    pairPieces = new int[pairs][];
    int q = 0;
    for (int a = 0; a < K * K; a++) {
      for (int a2 = a; a2 < K * K; a2++, q++) {
        int u = a / K;
        int v = a % K;
        pairShift[q] = shiftIndex(a2 / K - u, a2 % K - v);
        pairFold[q] = a == a2 ? 1f : 2f;
        int[] rowSegments = rows.segmentsOf(u);
        int[] colSegments = cols.segmentsOf(v);
        pairPieces[q] = Arrays.stream(rowSegments)
            .flatMap(i -> Arrays.stream(colSegments).map(j -> i * cols.count() + j)).toArray();
      }
    }
  }

  private static int shiftIndex(int du, int dv) {
    for (int s = 0; s < SHIFTS.length; s++) {
      if (SHIFTS[s][0] == du && SHIFTS[s][1] == dv) {
        return s;
      }
    }
    throw new IllegalStateException("no shift (" + du + ", " + dv + ")");
  }

  @Override
  public int count() {
    return pairShift.length;
  }

  /** |K|_a·|K|_a' for the pairs a ≤ a': the same kernel-side factors as {@link PatchGrams}'. */
  @Override
  public void kernelTerms(float[] weights, int from, float[] out, int at) {
    PatchGrams.pairProducts(weights, from, K * K, out, at);
  }

  @Override
  public Lanes newLanes(int lanes) {
    return new Scratch(lanes);
  }

  /** Per-thread working arrays: one map block, its piece sums, and the terms of up to {@code lanes} samples. */
  private final class Scratch implements Lanes {
    private final float[] map = new float[(inH + 2) * mapCols * LANES];
    /** The block's samples' maps, copied off the input one after another. */
    private final float[] samples = new float[LANES * inH * inW];
    private final float[] pieceSums = new float[rows.count() * cols.count() * SHIFTS.length * LANES];
    private final int stride;
    private final float[] terms;

    Scratch(int lanes) {
      stride = NormKernel.padded(lanes);
      terms = new float[pairShift.length * stride];
    }

    @Override
    public void compute(FloatBuffer input, long[] planes, int count) {
      for (int block = 0; block < count; block += LANES) {
        load(input, planes, block, Math.min(LANES, count - block));
        sums.blockSums(map, mapCols, rows, cols, offsets, pieceSums);
        sums.addPieces(pieceSums, pairShift, pairFold, pairPieces, terms, stride, block);
      }
    }

    /** |x| of samples [block, block + size) into the map's lanes; lanes past them keep stale values (callers drop their terms). */
    private void load(FloatBuffer input, long[] planes, int block, int size) {
      int plane = inH * inW;
      for (int k = 0; k < size; k++) {
        input.get((int) planes[block + k], samples, k * plane, plane);
      }
      sums.load(samples, size, inH, inW, mapCols, map);
    }

    @Override
    public float[] terms() {
      return terms;
    }

    @Override
    public int stride() {
      return stride;
    }
  }

  /**
   * One axis of the map cut into segments: segment i holds coordinates start[i], start[i] +
   * stride, … below end[i]. Kernel row (column) u of a layer with stride S and padding P sees
   * coordinates u − P + S·m, m ∈ [0, out), within the map: a run of one phase mod S, which is a
   * union of this axis' segments.
   */
  record Axis(int stride, int[] start, int[] end, int[][] segmentsOfKernelIndex) {
    int count() {
      return start.length;
    }

    /** How many coordinates segment i holds. */
    int length(int i) {
      return (end[i] - start[i] + stride - 1) / stride;
    }

    /** The segments kernel row (column) u sees, in increasing order. */
    int[] segmentsOf(int u) {
      return segmentsOfKernelIndex[u];
    }

    static Axis of(int stride, int pad, int out, int size) {
      // Cut every phase at each kernel index's first and last coordinate of that phase.
      TreeMap<Integer, TreeSet<Integer>> cuts = new TreeMap<>();
      int[] lo = new int[K];
      int[] hi = new int[K];
      for (int u = 0; u < K; u++) {
        int first = u - pad;
        int phase = Math.floorMod(first, stride);
        lo[u] = aligned(Math.max(0, Math.min(size, first)), phase, stride);
        hi[u] = Math.max(lo[u], aligned(Math.min(size, first + stride * out), phase, stride));
        cuts.computeIfAbsent(phase, k -> new TreeSet<>(List.of(aligned(0, phase, stride), aligned(size, phase, stride))));
        cuts.get(phase).add(lo[u]);
        cuts.get(phase).add(hi[u]);
      }
      List<int[]> segments = new ArrayList<>();
      for (Map.Entry<Integer, TreeSet<Integer>> phase : cuts.entrySet()) {
        Integer previous = null;
        for (int cut : phase.getValue()) {
          if (previous != null) {
            segments.add(new int[] {previous, cut});
          }
          previous = cut;
        }
      }
      int[][] ofKernelIndex = new int[K][];
      for (int u = 0; u < K; u++) {
        int phase = Math.floorMod(u - pad, stride);
        int from = lo[u];
        int to = hi[u];
        ofKernelIndex[u] = java.util.stream.IntStream.range(0, segments.size())
            .filter(i -> Math.floorMod(segments.get(i)[0], stride) == phase && segments.get(i)[0] >= from
                && segments.get(i)[1] <= to)
            .toArray();
      }
      return new Axis(stride, segments.stream().mapToInt(x -> x[0]).toArray(),
          segments.stream().mapToInt(x -> x[1]).toArray(), ofKernelIndex);
    }

    /** The first coordinate ≥ x of the given phase. */
    private static int aligned(int x, int phase, int stride) {
      return x + Math.floorMod(phase - x, stride);
    }
  }
}

package org.relief.model.prune;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.relief.model.net.PrunableLayer;

/**
 * {@link PatchGrams}' folded Gram matrices for a stride-1 convolution, one (sample, channel) plane
 * at a time with JDK 17's Vector API (module {@code jdk.incubator.vector}; only touched when
 * {@link VectorModule#PRESENT}).
 *
 * <p>For a pair of kernel positions a = (u, v), a' = (u + du, v + dv), G_aa' sums
 * x(y, x)·x(y + du, x + dv) over a rectangle of the unpadded map: rows R_y(u), columns R_x(v)
 * (the padding contributes zeros). The products of one shift (du, dv) are summed down the rows
 * into column sums with vector multiply-adds along the row, once per row segment — the rows
 * between the boundaries of the pairs' R_y — and each pair's entry is the sum of its segments'
 * totals minus the few columns outside its R_x. For 3×3 kernels that is 13 shifted products per
 * map position. C2 will not vectorise the row loop itself (its two reads are offset from each
 * other by amounts it cannot see; measured 5–8× slower), which is why {@link PatchGrams} puts
 * samples in lanes instead, at the cost of a transposition and of short loops.
 */
final class PlaneGrams {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int L = SPECIES.length();

  private final int inH;
  private final int inW;
  /** Columns of a row rounded up to whole vectors. */
  private final int chunkW;
  /** Zero columns left of a row in the working buffer (the largest leftward shift). */
  private final int margin;
  /** Row stride of the working buffer. */
  private final int rowStride;
  private final Shift[] shifts;
  private final Pair[] pairs;
  private final ThreadLocal<Scratch> scratch;

  /** Rows [0, rows) of a shift, cut into segments at {@code cuts}. */
  private record Shift(int du, int dv, int[] cuts) {
    int segments() {
      return cuts.length - 1;
    }
  }

  /**
   * Pair {@code index}: shift {@code shift}, row segments [segFrom, segTo), columns [colFrom,
   * colTo) of the column sums (those outside are subtracted from the segments' totals), fold 1 or 2.
   */
  private record Pair(int shift, int segFrom, int segTo, int colFrom, int colTo, float fold) {}

  private final class Scratch {
    final float[] plane = new float[inH * inW];
    final float[] map = new float[inH * rowStride];
    final float[][][] columnSums = new float[shifts.length][][];
    final float[][] totals = new float[shifts.length][];

    Scratch() {
      for (int s = 0; s < shifts.length; s++) {
        columnSums[s] = new float[shifts[s].segments()][chunkW];
        totals[s] = new float[shifts[s].segments()];
      }
    }
  }

  PlaneGrams(PrunableLayer layer) {
    if (!layer.isConv() || layer.strideH() != 1 || layer.strideW() != 1) {
      throw new IllegalArgumentException(layer.name() + ": plane Grams need a stride-1 convolution");
    }
    int kh = layer.kernelH();
    int kw = layer.kernelW();
    inH = layer.inH();
    inW = layer.inW();
    chunkW = (inW + L - 1) / L * L;
    margin = kw - 1;
    rowStride = margin + chunkW + kw - 1;
    int outH = layer.outH();
    int outW = layer.outW();
    int kk = kh * kw;
    List<int[]> shiftKeys = new ArrayList<>();
    List<TreeSet<Integer>> cuts = new ArrayList<>();
    int[][] rowRange = new int[kk * (kk + 1) / 2][];
    int[] shiftOf = new int[rowRange.length];
    int p = 0;
    for (int a = 0; a < kk; a++) {
      for (int a2 = a; a2 < kk; a2++, p++) {
        int du = a2 / kw - a / kw;
        int dv = a2 % kw - a % kw;
        int s = indexOf(shiftKeys, du, dv);
        if (s < 0) {
          s = shiftKeys.size();
          shiftKeys.add(new int[] {du, dv});
          cuts.add(new TreeSet<>(List.of(0, Math.max(0, inH - du))));
        }
        int rows = Math.max(0, inH - du);
        int from = clamp(a / kw - layer.padH(), 0, rows);
        int to = clamp(a / kw - layer.padH() + outH, 0, rows);
        cuts.get(s).add(from);
        cuts.get(s).add(to);
        rowRange[p] = new int[] {from, to};
        shiftOf[p] = s;
      }
    }
    shifts = new Shift[shiftKeys.size()];
    for (int s = 0; s < shifts.length; s++) {
      shifts[s] = new Shift(shiftKeys.get(s)[0], shiftKeys.get(s)[1],
          cuts.get(s).stream().mapToInt(Integer::intValue).toArray());
    }
    pairs = new Pair[rowRange.length];
    p = 0;
    for (int a = 0; a < kk; a++) {
      for (int a2 = a; a2 < kk; a2++, p++) {
        int[] cut = shifts[shiftOf[p]].cuts();
        int segFrom = Arrays.binarySearch(cut, rowRange[p][0]);
        int segTo = Arrays.binarySearch(cut, rowRange[p][1]);
        int colFrom = clamp(a % kw - layer.padW(), 0, chunkW);
        int colTo = clamp(a % kw - layer.padW() + outW, 0, chunkW);
        pairs[p] = new Pair(shiftOf[p], segFrom, segTo, colFrom, colTo, a == a2 ? 1f : 2f);
      }
    }
    scratch = ThreadLocal.withInitial(Scratch::new);
  }

  private static int indexOf(List<int[]> keys, int du, int dv) {
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i)[0] == du && keys.get(i)[1] == dv) {
        return i;
      }
    }
    return -1;
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /**
   * Fills {@code grams[pair][lane]} for lanes [0, count) from the planes of |x| starting at
   * {@code planes[lane]} in {@code input}, as {@link PatchGrams#compute} does from its loaded map.
   */
  void fill(FloatBuffer input, long[] planes, int count, float[][] grams) {
    Scratch s = scratch.get();
    for (int lane = 0; lane < count; lane++) {
      load(input, planes[lane], s);
      for (int k = 0; k < shifts.length; k++) {
        columnSums(shifts[k], s.map, s.columnSums[k], s.totals[k]);
      }
      for (int q = 0; q < pairs.length; q++) {
        Pair pair = pairs[q];
        float[][] sums = s.columnSums[pair.shift()];
        float[] totals = s.totals[pair.shift()];
        float g = 0f;
        for (int seg = pair.segFrom(); seg < pair.segTo(); seg++) {
          float[] column = sums[seg];
          float outside = 0f;
          for (int x = 0; x < pair.colFrom(); x++) {
            outside += column[x];
          }
          for (int x = pair.colTo(); x < chunkW; x++) {
            outside += column[x];
          }
          g += totals[seg] - outside;
        }
        grams[q][lane] = pair.fold() * g;
      }
    }
  }

  /** |x| of one plane into the working map, zero margins left and right of every row. */
  private void load(FloatBuffer input, long offset, Scratch s) {
    input.get(Math.toIntExact(offset), s.plane, 0, s.plane.length);
    for (int y = 0; y < inH; y++) {
      int to = y * rowStride + margin;
      int from = y * inW;
      for (int x = 0; x < inW; x++) {
        s.map[to + x] = Math.abs(s.plane[from + x]);
      }
    }
  }

  /**
   * Per row segment of the shift: column sums of x(y, ·)·x(y + du, · + dv) over the segment's
   * rows, and their total.
   */
  private void columnSums(Shift shift, float[] map, float[][] sums, float[] totals) {
    int[] cuts = shift.cuts();
    int down = shift.du() * rowStride + shift.dv();
    for (int seg = 0; seg + 1 < cuts.length; seg++) {
      FloatVector total = FloatVector.zero(SPECIES);
      for (int x0 = 0; x0 < chunkW; x0 += L) {
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int y = cuts[seg]; y < cuts[seg + 1]; y++) {
          int at = y * rowStride + margin + x0;
          acc = FloatVector.fromArray(SPECIES, map, at).fma(FloatVector.fromArray(SPECIES, map, at + down), acc);
        }
        acc.intoArray(sums[seg], x0);
        total = total.add(acc);
      }
      totals[seg] = total.reduceLanes(VectorOperators.ADD);
    }
  }
}

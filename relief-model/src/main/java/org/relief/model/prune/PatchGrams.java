package org.relief.model.prune;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.relief.model.net.PrunableLayer;

/**
 * The Gram matrices G = Σ_p x_p x_pᵀ of a convolution's input patches (x_p: the k² values of
 * one zero-padded input map under the kernel at output position p), for one input channel and
 * a block of samples at once, folded onto the pairs a ≤ a' of kernel positions as {@link
 * FrobeniusSums} needs them: G_aa on the diagonal, G_aa' + G_a'a = 2·G_aa' off it, pairs in the
 * order a = 0..k²−1, a' = a..k²−1.
 *
 * <p>Two choices make this fast in plain Java. Samples sit in the lanes of every array ({@code
 * map[pixel][lane]}, {@code grams[pair][lane]}) so each inner loop runs over lanes with one index
 * for all its arrays: JDK 17's C2 vectorises {@code a[l] += b[l] * c[l]} but not a loop whose
 * arrays are offset from each other by unknown amounts (measured: ~4× slower). And entries
 * sharing a shift are computed together: for a pair at kernel positions (u, v) and
 * (u + du, v + dv), G = Σ_{oh, ow} x̃[s·oh + u][s·ow + v]·x̃[s·oh + u + du][s·ow + v + dv]; the
 * sum over oh ({@code band[column]}) serves every pair with the same (du, dv, u), leaving a sum
 * over ow per pair, and with stride 1 the bands of one shift share most of their rows. For 3×3
 * kernels that is ~13 row products per map position instead of 45. All terms are non-negative,
 * so float sums lose nothing to cancellation.
 */
final class PatchGrams implements SquaredNormTerms {
  private final int strideH;
  private final int strideW;
  private final int padH;
  private final int padW;
  private final int inH;
  private final int inW;
  private final int outH;
  private final int outW;
  /** Padded map rows and columns that some patch touches. */
  private final int rows;
  private final int cols;
  private final int kernelSize;
  private final int pairs;
  private final List<Shift> shifts = new ArrayList<>();

  /**
   * The pairs a = (u, v), a' = (u + du, v + dv) of one shift: their products span columns
   * [colLo, colHi). With stride 1 the bands of different u share rows [commonLo, commonHi),
   * summed once (for 3×3 kernels 13 row products per map position instead of 24). Products are
   * only taken where both factors lie inside the map, columns [liveLo, liveHi): the padding is
   * zero (on 8×8 maps, 36 % of a padded band).
   */
  private record Shift(int du, int dv, int colLo, int colHi, int liveLo, int liveHi, int commonLo, int commonHi,
      List<Band> bands) {}

  /** The pairs of a shift with first position in kernel row u: pair index, column v, fold factor. */
  private record Band(int u, int[] pairIndex, int[] v, float[] fold) {}

  PatchGrams(PrunableLayer layer) {
    if (!layer.isConv()) {
      throw new IllegalArgumentException(layer.name() + " is not a convolution");
    }
    int kh = layer.kernelH();
    int kw = layer.kernelW();
    strideH = layer.strideH();
    strideW = layer.strideW();
    padH = layer.padH();
    padW = layer.padW();
    inH = layer.inH();
    inW = layer.inW();
    outH = layer.outH();
    outW = layer.outW();
    rows = (outH - 1) * strideH + kh;
    cols = (outW - 1) * strideW + kw;
    int kk = kh * kw;
    kernelSize = kk;
    pairs = kk * (kk + 1) / 2;
    // (du, dv) -> u -> {pair, v, fold}
    Map<List<Integer>, Map<Integer, List<int[]>>> byShift = new LinkedHashMap<>();
    int pair = 0;
    for (int a = 0; a < kk; a++) {
      for (int a2 = a; a2 < kk; a2++, pair++) {
        int u = a / kw;
        byShift.computeIfAbsent(List.of(a2 / kw - u, a2 % kw - a % kw), k -> new LinkedHashMap<>())
            .computeIfAbsent(u, k -> new ArrayList<>())
            .add(new int[] {pair, a % kw, a == a2 ? 1 : 2});
      }
    }
    for (Map.Entry<List<Integer>, Map<Integer, List<int[]>>> e : byShift.entrySet()) {
      int du = e.getKey().get(0);
      int dv = e.getKey().get(1);
      List<Band> bands = new ArrayList<>();
      for (Map.Entry<Integer, List<int[]>> b : e.getValue().entrySet()) {
        List<int[]> members = b.getValue();
        float[] fold = new float[members.size()];
        for (int m = 0; m < fold.length; m++) {
          fold[m] = members.get(m)[2];
        }
        bands.add(new Band(b.getKey(), members.stream().mapToInt(m -> m[0]).toArray(),
            members.stream().mapToInt(m -> m[1]).toArray(), fold));
      }
      int colLo = Math.max(0, -dv);
      int colHi = kw - Math.max(0, dv) - 1 + (outW - 1) * strideW + 1;
      int lastU = kh - 1 - du;
      boolean shared = strideH == 1 && outH > lastU;
      int liveLo = Math.max(colLo, Math.max(padW, padW - dv));
      int liveHi = Math.max(liveLo, Math.min(colHi, Math.min(padW + inW, padW + inW - dv)));
      shifts.add(new Shift(du, dv, colLo, colHi, liveLo, liveHi, shared ? lastU : 0, shared ? outH : 0, bands));
    }
  }

  @Override
  public int count() {
    return pairs;
  }

  /** |K|_a·|K|_a' for the pairs a ≤ a', in the order of the folded Gram entries. */
  @Override
  public void kernelTerms(float[] weights, int from, float[] out, int at) {
    pairProducts(weights, from, kernelSize, out, at);
  }

  /** |K|_a·|K|_a' for the pairs a ≤ a' of a kernel of {@code kernelSize} weights, a = 0..k²−1, a' = a..k²−1. */
  static void pairProducts(float[] weights, int from, int kernelSize, float[] out, int at) {
    for (int a = 0; a < kernelSize; a++) {
      float ka = Math.abs(weights[from + a]);
      for (int a2 = a; a2 < kernelSize; a2++) {
        out[at++] = ka * Math.abs(weights[from + a2]);
      }
    }
  }

  @Override
  public Scratch newLanes(int lanes) {
    return new Scratch(lanes);
  }

  /** Per-thread working arrays for {@code lanes} samples at a time. */
  final class Scratch implements Lanes {
    final LaneMaps map;
    final float[][] common;
    final float[][] band;
    /** Pair q's terms from q·stride. */
    final float[] grams;
    final int stride;

    Scratch(int lanes) {
      map = new LaneMaps(inH, inW, rows, cols, padH, padW, lanes);
      common = new float[cols][lanes];
      band = new float[cols][lanes];
      stride = NormKernel.padded(lanes);
      grams = new float[pairs * stride];
    }

    @Override
    public void compute(FloatBuffer input, long[] planes, int count) {
      map.load(input, planes, count);
      PatchGrams.this.compute(this, count);
    }

    @Override
    public float[] terms() {
      return grams;
    }

    @Override
    public int stride() {
      return stride;
    }
  }

  /** Fills {@code s.grams[pair·stride + lane]} for lanes [0, lanes) from the loaded map. */
  private void compute(Scratch s, int lanes) {
    for (Shift shift : shifts) {
      clear(s.common, shift, lanes);
      addRows(s, s.common, shift.commonLo, 1, shift.commonHi - shift.commonLo, shift, lanes);
      for (Band b : shift.bands) {
        for (int c = shift.colLo; c < shift.colHi; c++) {
          System.arraycopy(s.common[c], 0, s.band[c], 0, lanes);
        }
        if (shift.commonHi > shift.commonLo) { // stride 1: the rows of [u, u + outH) outside the common ones
          addRows(s, s.band, b.u, 1, shift.commonLo - b.u, shift, lanes);
          addRows(s, s.band, shift.commonHi, 1, b.u + outH - shift.commonHi, shift, lanes);
        } else {
          addRows(s, s.band, b.u, strideH, outH, shift, lanes);
        }
        for (int m = 0; m < b.pairIndex.length; m++) {
          float[] g = s.grams;
          int at = b.pairIndex[m] * s.stride;
          Arrays.fill(g, at, at + lanes, 0f);
          for (int ow = 0; ow < outW; ow++) {
            float[] col = s.band[b.v[m] + ow * strideW];
            for (int l = 0; l < lanes; l++) {
              g[at + l] += col[l];
            }
          }
          float fold = b.fold[m];
          if (fold != 1f) {
            for (int l = 0; l < lanes; l++) {
              g[at + l] *= fold;
            }
          }
        }
      }
    }
  }

  private static void clear(float[][] columns, Shift shift, int lanes) {
    for (int c = shift.colLo; c < shift.colHi; c++) {
      Arrays.fill(columns[c], 0, lanes, 0f);
    }
  }

  /**
   * acc[c] += x̃[r][c]·x̃[r + du][c + dv] over the shift's columns, for rows r = first + k·step,
   * k < count; rows and columns where a factor is padding add nothing and are skipped.
   */
  private void addRows(Scratch s, float[][] acc, int first, int step, int count, Shift shift, int lanes) {
    for (int k = 0; k < count; k++) {
      int r = first + k * step;
      if (r < padH || r + shift.du >= padH + inH) { // du >= 0: both rows lie inside the map
        continue;
      }
      int r1 = r * cols;
      int r2 = (r + shift.du) * cols + shift.dv;
      for (int c = shift.liveLo; c < shift.liveHi; c++) {
        float[] sum = acc[c];
        float[] x1 = s.map.pixels[r1 + c];
        float[] x2 = s.map.pixels[r2 + c];
        for (int l = 0; l < lanes; l++) {
          sum[l] += x1[l] * x2[l];
        }
      }
    }
  }
}

package org.relief.model.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.relief.model.net.PrunableLayer;

/**
 * The Gram matrices of {@link ActivityCollector}'s Frobenius norms for a stride-1 convolution,
 * without im2col. With x̃ the zero-padded input map and a = (u, v) a kernel position,
 * G_aa' = Σ_p x̃[p + a]·x̃[p + a'] over the output positions p is a rectangle sum of the product
 * map x̃·shift(x̃, a' − a): one product map and its 2-D prefix sums per distinct shift
 * (13 for 3×3 kernels, 41 for 5×5), four lookups per entry. Against im2col and a batched GEMM
 * of k²×P·P×k² products that is ~k⁴/(2·shifts) fewer multiplications and no patch array.
 * Sums in double; the entries come out folded as {@code ActivityCollector.gramPairs} expects
 * (G_aa on the diagonal, G_aa' + G_a'a = 2·G_aa' off it).
 */
final class ShiftedGrams {
  private final int kh;
  private final int kw;
  private final int padH;
  private final int padW;
  private final int inH;
  private final int inW;
  private final int outH;
  private final int outW;
  private final int pairs;
  /** Per distinct shift (du, dv): the pairs a ≤ a' with a' − a = (du, dv), as {pair index, u, v}. */
  private final List<int[]> shifts = new ArrayList<>();
  private final List<int[][]> pairsByShift = new ArrayList<>();

  ShiftedGrams(PrunableLayer layer) {
    if (layer.strideH() != 1 || layer.strideW() != 1) {
      throw new IllegalArgumentException(layer.name() + ": shifted Gram sums need stride 1");
    }
    kh = layer.kernelH();
    kw = layer.kernelW();
    padH = layer.padH();
    padW = layer.padW();
    inH = layer.inH();
    inW = layer.inW();
    outH = layer.outH();
    outW = layer.outW();
    int kk = kh * kw;
    pairs = kk * (kk + 1) / 2;
    java.util.Map<Integer, List<int[]>> byShift = new java.util.LinkedHashMap<>();
    int pair = 0;
    for (int a = 0; a < kk; a++) {
      for (int a2 = a; a2 < kk; a2++, pair++) {
        int du = a2 / kw - a / kw;
        int dv = a2 % kw - a % kw;
        byShift.computeIfAbsent(du * (2 * kw) + dv, s -> new ArrayList<>()).add(new int[] {pair, a / kw, a % kw, du, dv});
      }
    }
    for (List<int[]> group : byShift.values()) {
      shifts.add(new int[] {group.get(0)[3], group.get(0)[4]});
      pairsByShift.add(group.toArray(new int[0][]));
    }
  }

  static boolean applies(PrunableLayer layer) {
    return layer.isConv() && layer.strideH() == 1 && layer.strideW() == 1;
  }

  /**
   * The folded Gram matrices of every sample and input channel of {@code absInput} ({@code
   * [b, C, inH, inW]}, c order, values ≥ 0), laid out {@code [C, pairs, b]}.
   */
  float[] folded(float[] absInput, int b, int channels) {
    float[] out = new float[channels * pairs * b];
    int hp = inH + 2 * padH;
    int wp = inW + 2 * padW;
    IntStream.range(0, b * channels).parallel().forEach(job -> {
      int n = job / channels;
      int ci = job % channels;
      float[] padded = new float[hp * wp];
      int base = (n * channels + ci) * inH * inW;
      for (int y = 0; y < inH; y++) {
        System.arraycopy(absInput, base + y * inW, padded, (y + padH) * wp + padW, inW);
      }
      double[] prefix = new double[(hp + 1) * (wp + 1)];
      for (int s = 0; s < shifts.size(); s++) {
        int du = shifts.get(s)[0];
        int dv = shifts.get(s)[1];
        // prefix[(r + 1)(wp + 1) + c + 1] = Σ_{r' ≤ r, c' ≤ c} x̃[r'][c']·x̃[r' + du][c' + dv]
        for (int r = 0; r < hp; r++) {
          double row = 0;
          for (int col = 0; col < wp; col++) {
            int r2 = r + du;
            int c2 = col + dv;
            if (r2 < hp && c2 >= 0 && c2 < wp) {
              row += (double) padded[r * wp + col] * padded[r2 * wp + c2];
            }
            prefix[(r + 1) * (wp + 1) + col + 1] = prefix[r * (wp + 1) + col + 1] + row;
          }
        }
        for (int[] p : pairsByShift.get(s)) {
          int u = p[1];
          int v = p[2];
          double g = prefix[(u + outH) * (wp + 1) + v + outW] - prefix[u * (wp + 1) + v + outW]
              - prefix[(u + outH) * (wp + 1) + v] + prefix[u * (wp + 1) + v];
          out[(ci * pairs + p[0]) * b + n] = (float) (p[3] == 0 && p[4] == 0 ? g : 2 * g);
        }
      }
    });
    return out;
  }
}

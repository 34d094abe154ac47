package org.relief.model.prune;

import java.nio.FloatBuffer;
import org.relief.model.net.PrunableLayer;

/**
 * ‖|K| ⋆ |x|‖² as a quadratic form in the input map rather than in the kernel: the correlation
 * is linear in the map, |K| ⋆ |x| = M_K|x| with M_K the (output positions × input pixels) matrix
 * of the layer's stride and padding, so ‖M_K|x|‖² = |x|ᵀ A_K |x|, A_K = M_Kᵀ M_K. Terms run over
 * the pixel pairs b ≤ b': f = |x_b|·|x_b'|, w = A_bb on the diagonal and 2·A_bb' off it.
 *
 * <p>Worth it only on maps with fewer pixels than the kernel has weights: VGG's last 2×2 maps
 * under 3×3 kernels take 10 terms per (filter, channel, sample) instead of the Gram form's 45,
 * and those three layers hold about half of VGG-like's Frobenius multiply-adds.
 */
final class PixelPairs implements SquaredNormTerms {
  private final PrunableLayer layer;
  private final int pixels;
  private final int pairs;
  /** Pair q's weight is the sum of |K|_first[t]·|K|_second[t] over t in [productStart[q], productStart[q + 1]). */
  private final int[] productStart;
  private final int[] first;
  private final int[] second;
  /** Whether pair q is (b, b): off the diagonal the weight counts twice. */
  private final boolean[] diagonal;

  PixelPairs(PrunableLayer layer) {
    if (!layer.isConv()) {
      throw new IllegalArgumentException(layer.name() + " is not a convolution");
    }
    this.layer = layer;
    pixels = layer.inH() * layer.inW();
    pairs = pixels * (pixels + 1) / 2;
    int[][] products = products(layer, pixels, pairs);
    productStart = products[0];
    first = products[1];
    second = products[2];
    diagonal = new boolean[pairs];
    for (int b = 0, q = 0; b < pixels; q += pixels - b, b++) {
      diagonal[q] = true;
    }
  }

  @Override
  public int count() {
    return pairs;
  }

  /**
   * Σ_p m_pb·m_pb' for pair q: each entry of M_K is one kernel weight or zero (output position p
   * sees pixel b through one kernel position at most), so A_bb' is a sum of products of kernel
   * weights, listed here once per layer as {@code productStart[q]..productStart[q + 1]} of the
   * kernel positions {@code first}/{@code second}, in order of p.
   */
  private static int[][] products(PrunableLayer layer, int pixels, int pairs) {
    int positions = layer.outH() * layer.outW();
    int[] kernelAt = new int[positions * pixels]; // kernel position through which p sees b, or -1
    java.util.Arrays.fill(kernelAt, -1);
    for (int oh = 0; oh < layer.outH(); oh++) {
      for (int ow = 0; ow < layer.outW(); ow++) {
        int row = (oh * layer.outW() + ow) * pixels;
        for (int u = 0; u < layer.kernelH(); u++) {
          int h = oh * layer.strideH() + u - layer.padH();
          for (int v = 0; v < layer.kernelW(); v++) {
            int w = ow * layer.strideW() + v - layer.padW();
            if (h >= 0 && h < layer.inH() && w >= 0 && w < layer.inW()) {
              kernelAt[row + h * layer.inW() + w] = u * layer.kernelW() + v;
            }
          }
        }
      }
    }
    int[] start = new int[pairs + 1];
    java.util.List<int[]> list = new java.util.ArrayList<>();
    int q = 0;
    for (int b = 0; b < pixels; b++) {
      for (int b2 = b; b2 < pixels; b2++, q++) {
        start[q] = list.size();
        for (int p = 0; p < positions; p++) {
          int a = kernelAt[p * pixels + b];
          int a2 = kernelAt[p * pixels + b2];
          if (a >= 0 && a2 >= 0) {
            list.add(new int[] {a, a2});
          }
        }
      }
    }
    start[pairs] = list.size();
    return new int[][] {start, list.stream().mapToInt(x -> x[0]).toArray(), list.stream().mapToInt(x -> x[1]).toArray()};
  }

  @Override
  public void kernelTerms(float[] weights, int from, float[] out, int at) {
    for (int q = 0; q < pairs; q++) {
      float a = 0f;
      for (int t = productStart[q]; t < productStart[q + 1]; t++) {
        a += Math.abs(weights[from + first[t]]) * Math.abs(weights[from + second[t]]);
      }
      out[at + q] = diagonal[q] ? a : 2f * a;
    }
  }

  @Override
  public Lanes newLanes(int lanes) {
    return new Lanes() {
      private final LaneMaps map = new LaneMaps(layer.inH(), layer.inW(), layer.inH(), layer.inW(), 0, 0, lanes);
      private final int stride = NormKernel.padded(lanes);
      private final float[] terms = new float[pairs * stride];

      @Override
      public void compute(FloatBuffer input, long[] planes, int count) {
        map.load(input, planes, count);
        int q = 0;
        for (int b = 0; b < pixels; b++) {
          float[] xb = map.pixels[b];
          for (int b2 = b; b2 < pixels; b2++, q++) {
            float[] xb2 = map.pixels[b2];
            int at = q * stride;
            for (int l = 0; l < count; l++) {
              terms[at + l] = xb[l] * xb2[l];
            }
          }
        }
      }

      @Override
      public float[] terms() {
        return terms;
      }

      @Override
      public int stride() {
        return stride;
      }
    };
  }
}

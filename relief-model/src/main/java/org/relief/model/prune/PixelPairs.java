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

  PixelPairs(PrunableLayer layer) {
    if (!layer.isConv()) {
      throw new IllegalArgumentException(layer.name() + " is not a convolution");
    }
    this.layer = layer;
    pixels = layer.inH() * layer.inW();
    pairs = pixels * (pixels + 1) / 2;
  }

  @Override
  public int count() {
    return pairs;
  }

  @Override
  public void kernelTerms(float[] weights, int from, float[] out, int at) {
    int positions = layer.outH() * layer.outW();
    float[] m = new float[positions * pixels]; // M_K, row per output position
    for (int oh = 0; oh < layer.outH(); oh++) {
      for (int ow = 0; ow < layer.outW(); ow++) {
        int row = (oh * layer.outW() + ow) * pixels;
        for (int u = 0; u < layer.kernelH(); u++) {
          int h = oh * layer.strideH() + u - layer.padH();
          for (int v = 0; v < layer.kernelW(); v++) {
            int w = ow * layer.strideW() + v - layer.padW();
            if (h >= 0 && h < layer.inH() && w >= 0 && w < layer.inW()) {
              m[row + h * layer.inW() + w] += Math.abs(weights[from + u * layer.kernelW() + v]);
            }
          }
        }
      }
    }
    for (int b = 0; b < pixels; b++) {
      for (int b2 = b; b2 < pixels; b2++) {
        float a = 0f;
        for (int p = 0; p < positions; p++) {
          a += m[p * pixels + b] * m[p * pixels + b2];
        }
        out[at++] = b == b2 ? a : 2f * a;
      }
    }
  }

  @Override
  public Lanes newLanes(int lanes) {
    return new Lanes() {
      private final LaneMaps map = new LaneMaps(layer.inH(), layer.inW(), layer.inH(), layer.inW(), 0, 0, lanes);
      private final float[][] terms = new float[pairs][lanes];

      @Override
      public void compute(FloatBuffer input, long[] planes, int count) {
        map.load(input, planes, count);
        int q = 0;
        for (int b = 0; b < pixels; b++) {
          float[] xb = map.pixels[b];
          for (int b2 = b; b2 < pixels; b2++, q++) {
            float[] xb2 = map.pixels[b2];
            float[] f = terms[q];
            for (int l = 0; l < count; l++) {
              f[l] = xb[l] * xb2[l];
            }
          }
        }
      }

      @Override
      public float[][] terms() {
        return terms;
      }
    };
  }
}

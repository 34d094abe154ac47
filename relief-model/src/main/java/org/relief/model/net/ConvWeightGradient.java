package org.relief.model.net;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weight and bias gradients of a stride-1 convolution in training, from its input and
 * ∂L/∂(its output), through ReLU when the layer has one:
 * δ = ∂L/∂a ⊙ [z &gt; 0], ∂L/∂W[f, c, i, j] = Σ_n Σ_(y,x) δ[n, f, y, x] · x[n, c, y + i, x + j]
 * (x zero-padded), ∂L/∂b[f] = Σ δ[n, f, ·, ·].
 *
 * <p>Samples sit in the lanes of every array ({@code map[pixel][lane]}, as in the pruning
 * step's {@code PatchGrams}): every multiply-add then reads its two operands at the same index
 * of two arrays, the one loop shape JDK 17's C2 turns into vector instructions. Lane sums go to
 * double per block of samples. For LeNet-5's first convolution this replaces a oneDNN
 * convolution of permuted copies plus ND4J's ReLU backward and bias reduction (BENCHMARKS.md).
 * Not thread-safe: one per layer, its buffers reused between steps.
 */
final class ConvWeightGradient {
  /** Samples per block: the lane width of every array. */
  static final int BLOCK = 128;

  private final int kh;
  private final int kw;
  private final int padH;
  private final int padW;
  private float[][][] inputLanes = new float[0][][]; // [C][padded pixel][lane], padding stays 0
  private float[][][] deltaLanes = new float[0][][]; // [F][output pixel][lane]

  ConvWeightGradient(int kh, int kw, int padH, int padW) {
    this.kh = kh;
    this.kw = kw;
    this.padH = padH;
    this.padW = padW;
  }

  /**
   * Fills {@code weightGrad} ([F·C·kh·kw], c order of [F, C, kh, kw]) and, when not null,
   * {@code biasGrad} ([F]).
   *
   * @param input the layer's input [n, C, H, W], float, c order
   * @param outputGrad ∂L/∂(the layer's output) [n, F, OH, OW], float, c order
   * @param preOutput z [n, F, OH, OW] for a ReLU layer (δ = outputGrad where z &gt; 0), null for
   *     an identity activation (δ = outputGrad)
   */
  void compute(INDArray input, INDArray outputGrad, INDArray preOutput, float[] weightGrad, float[] biasGrad) {
    int n = (int) input.size(0);
    int channels = (int) input.size(1);
    int h = (int) input.size(2);
    int w = (int) input.size(3);
    int filters = (int) outputGrad.size(1);
    int oh = (int) outputGrad.size(2);
    int ow = (int) outputGrad.size(3);
    if (oh != h + 2 * padH - kh + 1 || ow != w + 2 * padW - kw + 1 || outputGrad.size(0) != n) {
      throw new IllegalArgumentException("a stride-1 convolution's gradient: input " + Arrays.toString(input.shape())
          + ", output gradient " + Arrays.toString(outputGrad.shape()) + ", kernel " + kh + "x" + kw);
    }
    FloatBuffer x = input.data().asNioFloat();
    FloatBuffer g = outputGrad.data().asNioFloat();
    FloatBuffer z = preOutput == null ? null : preOutput.data().asNioFloat();
    int hp = h + 2 * padH;
    int wp = w + 2 * padW;
    int lanes = Math.min(n, BLOCK);
    if (inputLanes.length != channels || inputLanes[0].length != hp * wp || inputLanes[0][0].length != lanes) {
      inputLanes = new float[channels][hp * wp][lanes];
    }
    if (deltaLanes.length != filters || deltaLanes[0].length != oh * ow || deltaLanes[0][0].length != lanes) {
      deltaLanes = new float[filters][oh * ow][lanes];
    }
    double[] weightSums = new double[filters * channels * kh * kw];
    double[] biasSums = new double[filters];
    for (int n0 = 0; n0 < n; n0 += lanes) {
      int b = Math.min(lanes, n - n0);
      if (b < lanes) { // a last, short block: the unused lanes must add nothing
        clear(inputLanes);
        clear(deltaLanes);
      }
      int first = n0;
      IntStream.range(0, channels).parallel()
          .forEach(c -> load(x, first, b, channels, c, h, w, inputLanes[c], padH * wp + padW, wp));
      IntStream.range(0, filters).parallel()
          .forEach(f -> biasSums[f] += loadDelta(g, z, first, b, filters, f, oh * ow, deltaLanes[f]));
      IntStream.range(0, filters * channels).parallel().forEach(fc -> {
        int f = fc / channels;
        int c = fc % channels;
        addProducts(deltaLanes[f], inputLanes[c], oh, ow, wp, weightSums, fc * kh * kw);
      });
    }
    for (int k = 0; k < weightSums.length; k++) {
      weightGrad[k] = (float) weightSums[k];
    }
    if (biasGrad != null) {
      for (int f = 0; f < filters; f++) {
        biasGrad[f] = (float) biasSums[f];
      }
    }
  }

  /** Channel c of samples [n0, n0 + b) into {@code lanes}, row y of the map at padded row y + padH. */
  private static void load(FloatBuffer x, int n0, int b, int channels, int c, int h, int w, float[][] lanes,
      int origin, int wp) {
    float[] plane = new float[h * w];
    for (int l = 0; l < b; l++) {
      x.get(((n0 + l) * channels + c) * h * w, plane, 0, plane.length);
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          lanes[origin + y * wp + xx][l] = plane[y * w + xx];
        }
      }
    }
  }

  /** δ of filter f for samples [n0, n0 + b) into {@code lanes}; returns Σ δ (the bias gradient's share). */
  private static double loadDelta(FloatBuffer g, FloatBuffer z, int n0, int b, int filters, int f, int plane,
      float[][] lanes) {
    float[] grad = new float[plane];
    float[] pre = new float[plane];
    double sum = 0;
    for (int l = 0; l < b; l++) {
      int at = ((n0 + l) * filters + f) * plane;
      g.get(at, grad, 0, plane);
      if (z != null) {
        z.get(at, pre, 0, plane);
        for (int p = 0; p < plane; p++) {
          grad[p] = pre[p] > 0 ? grad[p] : 0f;
        }
      }
      float s = 0;
      for (int p = 0; p < plane; p++) {
        lanes[p][l] = grad[p];
        s += grad[p];
      }
      sum += s;
    }
    return sum;
  }

  /**
   * sums[at + i·kw + j] += Σ_(y,x) Σ_lanes δ[y·ow + x] · x[(y + i)·wp + x + j]: four pixels per
   * pass over the lanes, fused multiply-adds into one lane accumulator, lanes summed in double.
   */
  private void addProducts(float[][] delta, float[][] input, int oh, int ow, int wp, double[] sums, int at) {
    int lanes = delta[0].length;
    float[] acc = new float[lanes];
    for (int i = 0; i < kh; i++) {
      for (int j = 0; j < kw; j++) {
        Arrays.fill(acc, 0f);
        for (int y = 0; y < oh; y++) {
          int p = y * ow;
          int q = (y + i) * wp + j;
          int xx = 0;
          for (; xx + 4 <= ow; xx += 4) {
            float[] d0 = delta[p + xx];
            float[] d1 = delta[p + xx + 1];
            float[] d2 = delta[p + xx + 2];
            float[] d3 = delta[p + xx + 3];
            float[] x0 = input[q + xx];
            float[] x1 = input[q + xx + 1];
            float[] x2 = input[q + xx + 2];
            float[] x3 = input[q + xx + 3];
            for (int l = 0; l < lanes; l++) {
              acc[l] = Math.fma(d3[l], x3[l], Math.fma(d2[l], x2[l], Math.fma(d1[l], x1[l], Math.fma(d0[l], x0[l], acc[l]))));
            }
          }
          for (; xx < ow; xx++) {
            float[] d0 = delta[p + xx];
            float[] x0 = input[q + xx];
            for (int l = 0; l < lanes; l++) {
              acc[l] = Math.fma(d0[l], x0[l], acc[l]);
            }
          }
        }
        double s = 0;
        for (int l = 0; l < lanes; l++) {
          s += acc[l];
        }
        sums[at + i * kw + j] += s;
      }
    }
  }

  private static void clear(float[][][] lanes) {
    for (float[][] map : lanes) {
      for (float[] row : map) {
        Arrays.fill(row, 0f);
      }
    }
  }
}

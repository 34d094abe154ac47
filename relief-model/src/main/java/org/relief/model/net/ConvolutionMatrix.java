package org.relief.model.net;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The matrix a whole-map convolution multiplies by ({@link WholeMapConvolution}): with the
 * input as rows [C·H·W] (NCHW order) and the output as rows [F·OH·OW], z = x·M, where
 * M[(c, p), (f, o)] = K[f, c, tap(p, o)] and tap(p, o) is the kernel position that joins input
 * pixel p to output position o — one exists for every pair, which is what "whole map" means.
 * {@link #expand} builds M (or Mᵀ) from the kernels; {@link #fold} turns a gradient with respect to M
 * into the kernels' gradient, summing the entries that share a kernel position.
 */
final class ConvolutionMatrix {
  private final int channels;
  private final int filters;
  private final int pixels;
  private final int outputs;
  private final int kernelSize;
  /** [p][o]: the kernel position (u·kW + v) joining input pixel p to output position o. */
  private final int[][] tap;
  /** The same, [o][p]. */
  private final int[][] tapOf;

  ConvolutionMatrix(int channels, int filters, int inH, int inW, int outH, int outW, int kH, int kW, int strideH,
      int strideW, int padH, int padW) {
    this.channels = channels;
    this.filters = filters;
    this.pixels = inH * inW;
    this.outputs = outH * outW;
    this.kernelSize = kH * kW;
    tap = new int[pixels][outputs];
    tapOf = new int[outputs][pixels];
    for (int h = 0; h < inH; h++) {
      for (int w = 0; w < inW; w++) {
        for (int oh = 0; oh < outH; oh++) {
          for (int ow = 0; ow < outW; ow++) {
            int u = h - oh * strideH + padH;
            int v = w - ow * strideW + padW;
            if (u < 0 || u >= kH || v < 0 || v >= kW) {
              throw new IllegalArgumentException("a " + kH + "x" + kW + " kernel with stride " + strideH + "x" + strideW
                  + " and padding " + padH + "x" + padW + " does not join pixel (" + h + ", " + w + ") of a " + inH + "x"
                  + inW + " map to output (" + oh + ", " + ow + "): not a whole-map convolution");
            }
            tap[h * inW + w][oh * outW + ow] = u * kW + v;
            tapOf[oh * outW + ow][h * inW + w] = u * kW + v;
          }
        }
      }
    }
  }

  int rows() {
    return channels * pixels;
  }

  int columns() {
    return filters * outputs;
  }

  /** Writes M into {@code m} (rows × columns, row-major) from {@code kernels} ([F, C, kH, kW], c order). */
  void expand(float[] kernels, FloatBuffer m) {
    int columns = columns();
    IntStream.range(0, channels).parallel().forEach(c -> {
      float[][] rows = new float[pixels][columns]; // channel c's rows, one per input pixel
      float[] k = new float[kernelSize];
      for (int f = 0; f < filters; f++) {
        System.arraycopy(kernels, (f * channels + c) * kernelSize, k, 0, kernelSize);
        int at = f * outputs;
        for (int p = 0; p < pixels; p++) {
          int[] taps = tap[p];
          float[] row = rows[p];
          for (int o = 0; o < outputs; o++) {
            row[at + o] = k[taps[o]];
          }
        }
      }
      for (int p = 0; p < pixels; p++) {
        m.put((c * pixels + p) * columns, rows[p]);
      }
    });
  }

  /**
   * Writes Mᵀ into {@code mt} (columns × rows, row-major) from {@code kernels}: the backward
   * pass's δ·Mᵀ runs ~2× faster on a stored Mᵀ than on M read transposed (oneDNN's matmul).
   */
  void expandTransposed(float[] kernels, FloatBuffer mt) {
    int rows = rows();
    IntStream.range(0, filters).parallel().forEach(f -> {
      float[][] out = new float[outputs][rows]; // filter f's rows of Mᵀ, one per output position
      for (int c = 0; c < channels; c++) {
        int kernel = (f * channels + c) * kernelSize;
        int at = c * pixels;
        for (int o = 0; o < outputs; o++) {
          float[] row = out[o];
          int[] taps = tapOf[o];
          for (int p = 0; p < pixels; p++) {
            row[at + p] = kernels[kernel + taps[p]];
          }
        }
      }
      for (int o = 0; o < outputs; o++) {
        mt.put((f * outputs + o) * rows, out[o]);
      }
    });
  }

  /**
   * The kernels' gradient ([F, C, kH, kW], c order) from the gradient with respect to M, given
   * transposed: {@code dmt} is columns × rows, row-major (∂L/∂Mᵀ = δᵀ·x), so each filter's
   * entries are rows of their own and its kernels one run of the result.
   */
  float[] fold(FloatBuffer dmt) {
    int rows = rows();
    float[] kernels = new float[filters * channels * kernelSize];
    IntStream.range(0, filters).parallel().forEach(f -> {
      float[][] in = new float[outputs][rows];
      for (int o = 0; o < outputs; o++) {
        dmt.get((f * outputs + o) * rows, in[o]);
      }
      for (int c = 0; c < channels; c++) {
        int kernel = (f * channels + c) * kernelSize;
        int at = c * pixels;
        for (int o = 0; o < outputs; o++) {
          float[] row = in[o];
          int[] taps = tapOf[o];
          for (int p = 0; p < pixels; p++) {
            kernels[kernel + taps[p]] += row[at + p];
          }
        }
      }
    });
    return kernels;
  }
}

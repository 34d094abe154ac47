package org.relief.model.prune;

import java.nio.FloatBuffer;

/**
 * The absolute values of one input channel's H×W map for a block of samples, pixel by pixel
 * with the samples in lanes ({@code pixels[pixel][lane]}), placed inside a zero border of
 * {@code padH} rows and {@code padW} columns (the layer's padding). The border is never written,
 * so it stays zero from one block to the next.
 */
final class LaneMaps {
  /** Samples transposed at a time: each pixel's lane array is written a cache line at a time. */
  private static final int LOAD_LANES = 16;
  final float[][] pixels;
  private final int inH;
  private final int inW;
  private final int cols;
  private final int padH;
  private final int padW;
  private final int realRows;
  private final int realCols;
  private final float[][] planes;

  /** A rows × cols map (border included) of which the rows and columns past the last the layer reads are dropped. */
  LaneMaps(int inH, int inW, int rows, int cols, int padH, int padW, int lanes) {
    this.inH = inH;
    this.inW = inW;
    this.cols = cols;
    this.padH = padH;
    this.padW = padW;
    realRows = Math.min(inH, rows - padH);
    realCols = Math.min(inW, cols - padW);
    pixels = new float[rows * cols][lanes];
    planes = new float[LOAD_LANES][inH * inW];
  }

  /** Loads |x| of {@code count} samples; {@code starts[l]} is where lane l's map starts in {@code input}. */
  void load(FloatBuffer input, long[] starts, int count) {
    for (int lane0 = 0; lane0 < count; lane0 += LOAD_LANES) {
      int block = Math.min(LOAD_LANES, count - lane0);
      for (int k = 0; k < block; k++) {
        input.get((int) starts[lane0 + k], planes[k], 0, inH * inW);
      }
      for (int y = 0; y < realRows; y++) {
        int to = (y + padH) * cols + padW;
        int from = y * inW;
        for (int x = 0; x < realCols; x++) {
          float[] pixel = pixels[to + x];
          for (int k = 0; k < block; k++) {
            pixel[lane0 + k] = Math.abs(planes[k][from + x]);
          }
        }
      }
    }
  }
}

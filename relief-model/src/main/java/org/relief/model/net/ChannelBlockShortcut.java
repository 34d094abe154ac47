package org.relief.model.net;

import java.util.stream.IntStream;

/**
 * A {@link ShortcutLayer}'s subsampling and channel padding (option A) on batches in {@link
 * ActivationLayout#CHANNEL_BLOCKS}, forward and backward. There a channel's pixels lie 16 values
 * apart, so the plane-by-plane walk of NCHW would read the buffer one value at a time; here each
 * sample is copied to the heap whole, rearranged there, and copied back. Samples in parallel.
 */
final class ChannelBlockShortcut {
  private static final int BLOCK = ActivationLayout.BLOCK;

  private ChannelBlockShortcut() {}

  /**
   * out[s, k] = gate[k] · x[s, k − offset, ::stride, ::stride], zero outside the input's channels.
   *
   * @param inW the input's width; the output's rows are {@code outW} wide
   */
  static void forward(ChannelPlanes x, ChannelPlanes out, int inW, int outW, int stride, int offset, float[] gates) {
    IntStream.range(0, x.samples()).parallel().forEach(s -> {
      float[] in = sample(x, s);
      float[] picked = new float[out.channels() * out.plane()];
      for (int k = 0; k < out.channels(); k++) {
        int j = k - offset;
        if (j < 0 || j >= x.channels() || gates[k] == 0f) {
          continue;
        }
        float gate = gates[k];
        for (int p = 0; p < out.plane(); p++) {
          int from = at(j, (p / outW) * stride * inW + (p % outW) * stride, x.plane());
          picked[at(k, p, out.plane())] = gate * in[from];
        }
      }
      out.values().put(s * picked.length, picked);
    });
  }

  /**
   * ∂L/∂x[s, j, ::stride, ::stride] = gate[j + offset] · ∂L/∂out[s, j + offset]; zero between.
   *
   * @param dx the input's gradient, rows {@code inW} wide; {@code dy}'s are {@code outW} wide
   */
  static void backward(ChannelPlanes dy, ChannelPlanes dx, int inW, int outW, int stride, int offset, float[] gates) {
    IntStream.range(0, dy.samples()).parallel().forEach(s -> {
      float[] grad = sample(dy, s);
      float[] spread = new float[dx.channels() * dx.plane()];
      for (int j = 0; j < dx.channels(); j++) {
        float gate = gates[j + offset];
        if (gate == 0f) {
          continue;
        }
        for (int p = 0; p < dy.plane(); p++) {
          int to = at(j, (p / outW) * stride * inW + (p % outW) * stride, dx.plane());
          spread[to] = gate * grad[at(j + offset, p, dy.plane())];
        }
      }
      dx.values().put(s * spread.length, spread);
    });
  }

  private static float[] sample(ChannelPlanes batch, int s) {
    float[] values = new float[batch.channels() * batch.plane()];
    batch.values().get(s * values.length, values);
    return values;
  }

  /** Where (channel, pixel) lies within one sample in channel blocks. */
  private static int at(int channel, int pixel, int plane) {
    return ((channel / BLOCK) * plane + pixel) * BLOCK + channel % BLOCK;
  }
}

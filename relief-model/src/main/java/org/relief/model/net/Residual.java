package org.relief.model.net;

import java.io.Serializable;

/**
 * The shortcut of a residual block, added to the block's second convolution after its
 * BatchNorm and before the ReLU (DESIGN.md "Residual blocks"): output channel {@code k} of the
 * block is {@code ReLU(bn2(conv2(h))[k] + gate[k] · shortcut(x)[k])}, where the shortcut is the
 * identity or, between stages, the reference's option A (every other row and column, the
 * {@code sourceChannels} input channels placed at {@code offset} and zero channels around them).
 *
 * @param shortcutLayer name of the network layer that computes the gated shortcut (its
 *     parameters are the per-channel gate, 1 = open)
 * @param source prunable layer whose post-activation output is the block's input (the stem
 *     convolution or the previous block's second convolution)
 * @param offset output channel that input channel 0 lands on ({@code planes/4} for option A, else 0)
 * @param sourceChannels channels of the block's input
 */
public record Residual(String shortcutLayer, String source, int offset, int sourceChannels) implements Serializable {
  public Residual {
    if (offset < 0 || sourceChannels <= 0) {
      throw new IllegalArgumentException("shortcut " + shortcutLayer + ": offset " + offset + ", channels " + sourceChannels);
    }
  }

  /** The block-input channel that output channel {@code k} carries, or -1 for a zero-padded channel. */
  public int sourceChannel(int k) {
    int c = k - offset;
    return c >= 0 && c < sourceChannels ? c : -1;
  }
}

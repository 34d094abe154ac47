package org.relief.model.prune;

import java.io.Serializable;

/**
 * Immutable totals of one layer's activity over a pruning set (DESIGN.md "Two passes,
 * additive statistics"). Means are sums divided by {@link #samples()}.
 *
 * <p>Index conventions: {@code inputAbsSum} follows the layer's input, C·H·W row-major for a
 * convolution, and is absent for a convolution scored by {@code frobenius}, which does not use it;
 * {@code activeSamples} counts, per unit, the samples in which its output was not all zero;
 * {@code frobeniusSum[j * inputs + i]} is {@code Σ_n ‖|K_ji| ⋆ |x_ni|‖_F} and is present only
 * when the Frobenius score was requested.
 */
public final class LayerActivity implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String layer;
  private final long samples;
  private final double[] inputAbsSum;
  private final double[] activeSamples;
  private final double[] frobeniusSum;
  private final double[] branchAbsSum;
  private final double[] shortcutAbsSum;

  LayerActivity(String layer, long samples, double[] inputAbsSum, double[] activeSamples, double[] frobeniusSum,
      double[] branchAbsSum, double[] shortcutAbsSum) {
    this.layer = layer;
    this.samples = samples;
    this.inputAbsSum = inputAbsSum;
    this.activeSamples = activeSamples;
    this.frobeniusSum = frobeniusSum;
    this.branchAbsSum = branchAbsSum;
    this.shortcutAbsSum = shortcutAbsSum;
  }

  public String layer() {
    return layer;
  }

  public long samples() {
    return samples;
  }

  /** {@code mean_n |x_n[k]|} for input value {@code k}. */
  public double meanInputAbs(int k) {
    if (inputAbsSum == null) {
      throw new IllegalStateException("layer " + layer + ": input sums were not collected (a frobenius convolution)");
    }
    return inputAbsSum[k] / samples;
  }

  public boolean hasInputSums() {
    return inputAbsSum != null;
  }

  /** Samples in which the unit's post-activation output was not all zero; 0 means a dead unit. */
  public double activeSamples(int unit) {
    return activeSamples[unit];
  }

  public boolean hasFrobenius() {
    return frobeniusSum != null;
  }

  /** {@code mean_n ‖|K_ji| ⋆ |x_ni|‖_F}. */
  public double meanFrobenius(int unit, int input, int inputs) {
    if (frobeniusSum == null) {
      throw new IllegalStateException("layer " + layer + ": Frobenius norms were not collected");
    }
    return frobeniusSum[unit * inputs + input] / samples;
  }

  public boolean hasResidual() {
    return branchAbsSum != null;
  }

  /**
   * ‖mean_n |B[n, k]|‖_F over positions, B the residual block's BatchNorm output before the
   * shortcut is added (DESIGN.md "Residual blocks").
   */
  public double branchNorm(int channel) {
    return channelNorm(branchAbsSum, channel, "branch");
  }

  /** ‖mean_n |R[n, k]|‖_F over positions, R the (ungated) shortcut. */
  public double shortcutNorm(int channel) {
    return channelNorm(shortcutAbsSum, channel, "shortcut");
  }

  private double channelNorm(double[] sums, int channel, String what) {
    if (sums == null) {
      throw new IllegalStateException("layer " + layer + ": no " + what + " sums (not a residual block)");
    }
    int positions = sums.length / activeSamples.length;
    double squares = 0;
    for (int p = channel * positions; p < (channel + 1) * positions; p++) {
      double mean = sums[p] / samples;
      squares += mean * mean;
    }
    return Math.sqrt(squares);
  }

  /** Input values with a sum, 0 if input sums were not collected. */
  public int inputVolume() {
    return inputAbsSum == null ? 0 : inputAbsSum.length;
  }

  public int units() {
    return activeSamples.length;
  }
}

package org.relief.model.prune;

import java.nio.FloatBuffer;
import org.relief.model.net.PrunableLayer;

/**
 * ‖|K| ⋆ |x|‖², the squared Frobenius norm of one kernel slice correlated with one input map,
 * written as Σ_q w_q·f_q: w_q depends on the kernel slice only and f_q on the map only, so
 * {@link FrobeniusSums} forms the w once per collector and the f once per (sample, channel),
 * and every filter costs one {@link #count()}-term sum. Two such factorisations, and each layer
 * takes the one with fewer terms ({@link #of}).
 */
interface SquaredNormTerms {

  /**
   * Patch Gram matrices (k²(k² + 1)/2 terms: 45 for 3×3 kernels) unless the input map has fewer
   * pixels than the kernel has weights; then pixel pairs ({@link PixelPairs}, hw(hw + 1)/2 terms:
   * 10 for VGG's 2×2 maps). The Grams of 3×3 convolutions of stride 1 come from shifted products
   * ({@link ShiftGrams}), the others' from patches ({@link PatchGrams}).
   */
  static SquaredNormTerms of(PrunableLayer layer) {
    if (layer.inH() * layer.inW() < layer.weightsPerConnection()) {
      return new PixelPairs(layer);
    }
    return ShiftGrams.covers(layer) ? new ShiftGrams(layer) : new PatchGrams(layer);
  }

  /** Terms per (filter, channel, sample). */
  int count();

  /** The w_q of the kernel slice at {@code weights[from, from + k²)} into {@code out[at, at + count())}. */
  void kernelTerms(float[] weights, int from, float[] out, int at);

  /** Working arrays for up to {@code lanes} samples at a time (one per thread). */
  Lanes newLanes(int lanes);

  /**
   * The f_q of a block of samples in one array, row q from {@code q·stride()}, sample l in lane l
   * of every row: one array, so the kernel's loads need no per-row bounds checks and no copy.
   */
  interface Lanes {
    /**
     * Computes {@code terms()[q·stride() + l]} for lanes [0, count) from |x| of one channel of
     * {@code count} samples; {@code planes[l]} is where lane l's H×W map starts in {@code input}.
     */
    void compute(FloatBuffer input, long[] planes, int count);

    float[] terms();

    /** Floats from one row of {@link #terms()} to the next: at least the lanes asked for, a multiple of {@link NormKernel#LANE_MULTIPLE}. */
    int stride();
  }
}

package org.relief.model.prune;

import java.io.Serializable;
import java.util.List;
import org.relief.model.net.PrunableLayer;

/**
 * What one statistics pass must measure: which prunable layers, and whether the convolutions
 * need the per-sample Frobenius norms of {@link ConvScore#FROBENIUS}.
 *
 * @param layers layer names, forward order
 * @param convScore score variant of the convolutions in {@code layers}
 */
public record ActivityRequest(List<String> layers, ConvScore convScore) implements Serializable {
  public ActivityRequest {
    layers = List.copyOf(layers);
  }

  /**
   * Whether {@code layer}'s score needs Σ_n |x_n| per input value: every dense layer and every
   * convolution under {@code mean-l2} or {@code sum}. A {@code frobenius} convolution is scored
   * from its per-sample norms alone, so its input sums are not collected.
   */
  public boolean needsInputSums(PrunableLayer layer) {
    return !layer.isConv() || !convScore.needsPerSampleNorms();
  }

  /** Whether {@code layer}'s score needs the per-sample Frobenius norms. */
  public boolean needsFrobeniusSums(PrunableLayer layer) {
    return layer.isConv() && convScore.needsPerSampleNorms();
  }
}

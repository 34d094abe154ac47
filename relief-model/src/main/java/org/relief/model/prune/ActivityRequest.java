package org.relief.model.prune;

import java.io.Serializable;
import java.util.List;

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
}

package org.relief.model.net;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each prunable layer's weights and biases sit in the network's flat parameter vector.
 *
 * <p>Within its segment a layer's weights are in the canonical order of {@link PrunableLayer}
 * (unit-major); the networks check this against DL4J at construction, so a flat
 * mask can be built by copying each layer's mask into its segment.
 */
public final class ParamLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Offsets of one layer's weight and bias segments ({@code biasCount} 0 without biases), of
   * its BatchNorm's gamma, beta, running mean and running variance ({@code batchNorm}, four
   * offsets of one entry per unit; null without BatchNorm), and of the per-channel gate of the
   * shortcut joining its output ({@code gateOffset}, one entry per unit; -1 without).
   *
   * @param masked false if the layer's mask is never applied (see {@link PrunableLayer#masked()})
   */
  public record Segments(long weightOffset, long weightCount, long biasOffset, long biasCount, long[] batchNorm,
      long gateOffset, boolean masked) implements Serializable {
    public Segments(long weightOffset, long weightCount, long biasOffset, long biasCount) {
      this(weightOffset, weightCount, biasOffset, biasCount, null, -1, true);
    }

    public boolean hasGate() {
      return gateOffset >= 0;
    }
  }

  private final long numParams;
  private final Map<String, Segments> segments;

  public ParamLayout(long numParams, Map<String, Segments> segments) {
    this.numParams = numParams;
    this.segments = Collections.unmodifiableMap(new LinkedHashMap<>(segments));
  }

  public long numParams() {
    return numParams;
  }

  public Segments of(String layer) {
    Segments s = segments.get(layer);
    if (s == null) {
      throw new IllegalArgumentException("no parameters recorded for layer " + layer + "; known " + segments.keySet());
    }
    return s;
  }
}

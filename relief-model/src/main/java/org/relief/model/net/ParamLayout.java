package org.relief.model.net;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each prunable layer's weights and biases sit in the network's flat parameter vector.
 *
 * <p>Within its segment a layer's weights are in the canonical order of {@link PrunableLayer}
 * (unit-major); {@link SequentialNetwork} checks this against DL4J at construction, so a flat
 * mask can be built by copying each layer's mask into its segment.
 */
public final class ParamLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Offsets of one layer's weight and bias segments, and of its BatchNorm's gamma, beta,
   * running mean and running variance ({@code batchNorm}, four offsets of one entry per unit;
   * null without BatchNorm).
   */
  public record Segments(long weightOffset, long weightCount, long biasOffset, long biasCount, long[] batchNorm)
      implements Serializable {
    public Segments(long weightOffset, long weightCount, long biasOffset, long biasCount) {
      this(weightOffset, weightCount, biasOffset, biasCount, null);
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

package org.relief.model.prune;

import java.io.Serializable;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.ParamLayout;
import org.relief.model.net.PrunableLayer;

/**
 * The masks of every prunable layer of a network: which weights and biases survive.
 * Immutable; layers in forward order.
 */
public final class NetworkMasks implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, LayerMask> layers;

  private NetworkMasks(Map<String, LayerMask> layers) {
    this.layers = Collections.unmodifiableMap(layers);
  }

  /** Nothing pruned. */
  public static NetworkMasks full(NetworkTopology topology) {
    Map<String, LayerMask> m = new LinkedHashMap<>();
    for (PrunableLayer layer : topology.layers()) {
      m.put(layer.name(), LayerMask.full(layer));
    }
    return new NetworkMasks(m);
  }

  /** Masks from a collection of layer masks, in the given order. */
  public static NetworkMasks of(Collection<LayerMask> masks) {
    Map<String, LayerMask> m = new LinkedHashMap<>();
    for (LayerMask mask : masks) {
      if (m.put(mask.layer(), mask) != null) {
        throw new IllegalArgumentException("two masks for layer " + mask.layer());
      }
    }
    return new NetworkMasks(m);
  }

  public LayerMask layer(String name) {
    LayerMask m = layers.get(name);
    if (m == null) {
      throw new IllegalArgumentException("no mask for layer " + name + "; masks cover " + layers.keySet());
    }
    return m;
  }

  public Collection<LayerMask> layers() {
    return layers.values();
  }

  /** These masks with some layers replaced. */
  public NetworkMasks with(Collection<LayerMask> replacements) {
    Map<String, LayerMask> m = new LinkedHashMap<>(layers);
    for (LayerMask r : replacements) {
      layer(r.layer()).checkSameShape(r);
      m.put(r.layer(), r);
    }
    return new NetworkMasks(m);
  }

  /** Kept where both keep, layer by layer (masks only shrink). */
  public NetworkMasks and(NetworkMasks other) {
    if (!layers.keySet().equals(other.layers.keySet())) {
      throw new IllegalArgumentException("masks cover different layers: " + layers.keySet() + " vs " + other.layers.keySet());
    }
    Map<String, LayerMask> m = new LinkedHashMap<>();
    for (LayerMask mask : layers.values()) {
      m.put(mask.layer(), mask.and(other.layer(mask.layer())));
    }
    return new NetworkMasks(m);
  }

  /**
   * 1 where kept, 0 where pruned, in the network's flat parameter layout: weights, biases,
   * shortcut gates, and the BatchNorm parameters of removed units; 1 for every other parameter
   * and for layers whose mask is never applied ({@link ParamLayout.Segments#masked()}).
   */
  public float[] toFlat(ParamLayout layout) {
    float[] flat = new float[Math.toIntExact(layout.numParams())];
    java.util.Arrays.fill(flat, 1f);
    for (LayerMask mask : layers.values()) {
      ParamLayout.Segments s = layout.of(mask.layer());
      if (!s.masked()) {
        continue;
      }
      mask.copyInto(flat, Math.toIntExact(s.weightOffset()), Math.toIntExact(s.biasOffset()),
          Math.toIntExact(s.gateOffset()));
      if (s.batchNorm() != null) {
        mask.zeroRemovedUnits(flat, s.batchNorm());
      }
    }
    return flat;
  }

  /**
   * A copy of {@code params} with every pruned weight, bias and shortcut gate, and the
   * BatchNorm parameters of every removed unit, set to exactly 0.
   */
  public float[] apply(float[] params, ParamLayout layout) {
    if (layout.numParams() != params.length) {
      throw new IllegalArgumentException("layout has " + layout.numParams() + " parameters, got " + params.length);
    }
    float[] out = params.clone();
    for (LayerMask mask : layers.values()) {
      ParamLayout.Segments s = layout.of(mask.layer());
      if (!s.masked()) {
        continue;
      }
      mask.zeroPruned(out, Math.toIntExact(s.weightOffset()), Math.toIntExact(s.biasOffset()),
          Math.toIntExact(s.gateOffset()));
      if (s.batchNorm() != null) {
        mask.zeroRemovedUnits(out, s.batchNorm());
      }
    }
    return out;
  }

  public long keptWeights() {
    return layers.values().stream().mapToLong(LayerMask::keptWeights).sum();
  }

  public long keptBiases() {
    return layers.values().stream().mapToLong(LayerMask::keptBiases).sum();
  }

  /** Weights, biases and shortcut gates of all layers, kept or not. */
  public long totalEntries() {
    return layers.values().stream().mapToLong(m -> m.weightCount() + m.biasCount() + (m.hasGate() ? m.outputs() : 0)).sum();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkMasks m && layers.equals(m.layers);
  }

  @Override
  public int hashCode() {
    return layers.hashCode();
  }

  @Override
  public String toString() {
    return "NetworkMasks" + layers.values();
  }
}

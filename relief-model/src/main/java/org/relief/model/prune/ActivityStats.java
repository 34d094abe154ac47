package org.relief.model.prune;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable activity totals of several layers: what a statistics pass hands to scoring. */
public final class ActivityStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, LayerActivity> layers;

  ActivityStats(Map<String, LayerActivity> layers) {
    this.layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
  }

  public LayerActivity layer(String name) {
    LayerActivity a = layers.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no statistics for layer " + name + "; have " + layers.keySet());
    }
    return a;
  }

  public java.util.Set<String> layerNames() {
    return layers.keySet();
  }
}

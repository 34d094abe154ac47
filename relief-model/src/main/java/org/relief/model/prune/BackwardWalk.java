package org.relief.model.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.relief.model.net.Feed;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.PrunableLayer;

/**
 * The backward pass of DESIGN.md "Backward pass": walking from the output back, a neuron or
 * filter that no surviving connection reads any more loses its incoming connections and its
 * bias. Producers are visited after all their consumers, so removals cascade down the network
 * in one walk (dense→dense, conv→dense through the flatten, conv→conv).
 */
public final class BackwardWalk {
  private BackwardWalk() {}

  public static NetworkMasks apply(NetworkTopology topology, NetworkMasks masks) {
    Map<String, LayerMask> current = new LinkedHashMap<>();
    for (LayerMask m : masks.layers()) {
      current.put(m.layer(), m);
    }
    List<PrunableLayer> layers = topology.layers();
    for (int k = layers.size() - 1; k >= 0; k--) {
      PrunableLayer producer = layers.get(k);
      List<Feed> feeds = topology.feedsFrom(producer.name());
      if (feeds.isEmpty()) {
        continue; // the output layer: nothing downstream reads it through a mask
      }
      boolean[] orphaned = new boolean[producer.outputs()];
      boolean any = false;
      for (int u = 0; u < producer.outputs(); u++) {
        orphaned[u] = !readByAny(u, feeds, current);
        any |= orphaned[u];
      }
      if (any) {
        current.put(producer.name(), current.get(producer.name()).withoutUnits(orphaned));
      }
    }
    return NetworkMasks.of(new ArrayList<>(current.values()));
  }

  private static boolean readByAny(int unit, List<Feed> feeds, Map<String, LayerMask> masks) {
    for (Feed feed : feeds) {
      LayerMask consumer = masks.get(feed.consumer());
      for (int input = unit * feed.unitSpan(); input < (unit + 1) * feed.unitSpan(); input++) {
        if (consumer.inputUsed(input)) {
          return true;
        }
      }
    }
    return false;
  }
}

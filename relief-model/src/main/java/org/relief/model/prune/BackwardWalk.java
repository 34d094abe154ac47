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
 * filter that no surviving connection reads any more loses its incoming connections, its bias
 * and, at the end of a residual block, its shortcut channel. A block's input channel is read
 * by the block's first convolution and by the open shortcut channel it lands on. Producers are
 * visited after all their consumers, so removals cascade down the network in one walk
 * (dense→dense, conv→dense through the flatten, conv→conv, through residual blocks).
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
      List<PrunableLayer> shortcuts = layers.stream()
          .filter(l -> l.hasResidual() && l.residual().source().equals(producer.name())).toList();
      if (feeds.isEmpty() && shortcuts.isEmpty()) {
        continue; // the output layer: nothing downstream reads it through a mask
      }
      boolean[] orphaned = new boolean[producer.outputs()];
      boolean any = false;
      for (int u = 0; u < producer.outputs(); u++) {
        orphaned[u] = !readByAny(u, feeds, current) && !passedOn(u, shortcuts, current);
        any |= orphaned[u];
      }
      if (any) {
        current.put(producer.name(), current.get(producer.name()).withoutUnits(orphaned));
      }
    }
    return NetworkMasks.of(new ArrayList<>(current.values()));
  }

  /** True if an open shortcut channel carries {@code unit} into a later block's output. */
  private static boolean passedOn(int unit, List<PrunableLayer> shortcuts, Map<String, LayerMask> masks) {
    for (PrunableLayer block : shortcuts) {
      if (masks.get(block.name()).gate(unit + block.residual().offset())) {
        return true;
      }
    }
    return false;
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

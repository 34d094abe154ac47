package org.relief.model.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.PrunableLayer;
import org.relief.model.prune.NetworkMasks;

/**
 * What survives of a network under its masks (DESIGN.md "Accounting"). Remaining weights
 * count the surviving weights and biases of conv and dense layers (BatchNorm parameters are not
 * counted, nor are shortcut gates, which are not parameters of the model); compression ratio =
 * all / remaining; architecture = alive units per layer; FLOPs
 * from the surviving architecture (see {@link LayerCensus#flops()}).
 */
public final class NetworkCensus {
  private final List<LayerCensus> layers;

  private NetworkCensus(List<LayerCensus> layers) {
    this.layers = List.copyOf(layers);
  }

  public static NetworkCensus of(NetworkTopology topology, NetworkMasks masks) {
    List<LayerCensus> rows = new ArrayList<>();
    for (PrunableLayer layer : topology.layers()) {
      if (layer.masked()) { // a mask that is never applied (the reference's ResNet stem) is not counted either
        rows.add(LayerCensus.of(layer, masks.layer(layer.name())));
      }
    }
    return new NetworkCensus(rows);
  }

  public List<LayerCensus> layers() {
    return layers;
  }

  public LayerCensus layer(String name) {
    return layers.stream().filter(l -> l.layer().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no layer " + name));
  }

  /** Surviving weights and biases. */
  public long remaining() {
    return layers.stream().mapToLong(LayerCensus::kept).sum();
  }

  public long remainingWeights() {
    return layers.stream().mapToLong(LayerCensus::keptWeights).sum();
  }

  public long remainingBiases() {
    return layers.stream().mapToLong(LayerCensus::keptBiases).sum();
  }

  /** All weights and biases of the unpruned network. */
  public long total() {
    return layers.stream().mapToLong(LayerCensus::total).sum();
  }

  /** 100 · remaining / total. */
  public double remainingPercent() {
    return 100.0 * remaining() / total();
  }

  /** total / remaining (infinite if nothing remains). */
  public double compressionRatio() {
    long r = remaining();
    return r == 0 ? Double.POSITIVE_INFINITY : (double) total() / r;
  }

  public long flops() {
    return layers.stream().mapToLong(LayerCensus::flops).sum();
  }

  /** Alive units per layer, e.g. {@code conv1:11 conv2:46 fc1:257 fc2:10}. */
  public String architecture() {
    return layers.stream().map(l -> l.layer() + ":" + l.aliveUnits()).collect(Collectors.joining(" "));
  }
}

package org.relief.model.net;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prunable layers of a network in forward order and how they feed each other.
 *
 * <p>This is all the pruning step and the accounting need to know about a network; the DL4J
 * objects stay behind {@link ReliefNetwork}.
 */
public final class NetworkTopology implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<PrunableLayer> layers;
  private final Map<String, PrunableLayer> byName;
  private final List<Feed> feeds;

  public NetworkTopology(List<PrunableLayer> layers, List<Feed> feeds) {
    this.layers = List.copyOf(layers);
    this.feeds = List.copyOf(feeds);
    Map<String, PrunableLayer> names = new LinkedHashMap<>();
    for (PrunableLayer layer : this.layers) {
      if (names.put(layer.name(), layer) != null) {
        throw new IllegalArgumentException("duplicate layer name " + layer.name());
      }
    }
    this.byName = Collections.unmodifiableMap(names);
    for (Feed feed : this.feeds) {
      PrunableLayer producer = layer(feed.producer());
      PrunableLayer consumer = layer(feed.consumer());
      if ((long) producer.outputs() * feed.unitSpan() != consumer.inputs()) {
        throw new IllegalArgumentException("feed " + feed + ": producer has " + producer.outputs()
            + " units but consumer reads " + consumer.inputs() + " inputs");
      }
    }
  }

  /**
   * A plain chain: each prunable layer feeds the next one; a conv followed by a dense layer is
   * a flatten.
   */
  public static NetworkTopology chain(List<PrunableLayer> layers) {
    List<Feed> feeds = new ArrayList<>();
    for (int k = 1; k < layers.size(); k++) {
      PrunableLayer producer = layers.get(k - 1);
      PrunableLayer consumer = layers.get(k);
      if (consumer.inputs() % producer.outputs() != 0) {
        throw new IllegalArgumentException("layer " + consumer.name() + " reads " + consumer.inputs()
            + " inputs, not a multiple of the " + producer.outputs() + " units of " + producer.name());
      }
      feeds.add(new Feed(producer.name(), consumer.name(), consumer.inputs() / producer.outputs()));
    }
    return new NetworkTopology(layers, feeds);
  }

  public List<PrunableLayer> layers() {
    return layers;
  }

  public PrunableLayer layer(String name) {
    PrunableLayer layer = byName.get(name);
    if (layer == null) {
      throw new IllegalArgumentException("no prunable layer named " + name + "; layers are " + byName.keySet());
    }
    return layer;
  }

  public boolean hasLayer(String name) {
    return byName.containsKey(name);
  }

  public List<PrunableLayer> layersOfKind(LayerKind kind) {
    return layers.stream().filter(l -> l.kind() == kind).toList();
  }

  public List<Feed> feeds() {
    return feeds;
  }

  /** The feeds that read from {@code producer}. */
  public List<Feed> feedsFrom(String producer) {
    return feeds.stream().filter(f -> f.producer().equals(producer)).toList();
  }

  @Override
  public String toString() {
    return "NetworkTopology" + byName.keySet();
  }
}

package org.relief.model.compact;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.relief.model.ReliefInputException;
import org.relief.model.net.ActivationLayout;
import org.relief.model.net.LaidOutBatchNorm;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.net.TrainingConvolution;
import org.relief.model.prune.NetworkMasks;

/**
 * A physically smaller copy of a pruned CIFAR/Tiny-ImageNet ResNet, where the shortcuts allow
 * it: inside every basic block, the channels between its first and second convolution
 * ({@code <block>.conv1} → {@code bn1} → ReLU → {@code conv2}) that are identically zero or
 * that {@code conv2} no longer reads are removed with their BatchNorm entries and the weights
 * of {@code conv2} reading them. A block's output channels are added to its shortcut and read
 * by the next block and the shortcut after it, so they keep their width (as in the reference).
 */
public final class ResNetCompactor {
  private ResNetCompactor() {}

  /** The compact network of a ResNet {@code network} (parameters masked already) under {@code masks}. */
  public static ComputationGraph compact(ReliefNetwork network, NetworkMasks masks) {
    return (ComputationGraph) plan(network, masks, false).apply(network.dl4j());
  }

  /** Which inner channels go and the smaller configuration; {@code training} as in {@link ChainCompactor#plan}. */
  static CompactPlan plan(ReliefNetwork network, NetworkMasks masks, boolean training) {
    if (!(network.dl4j() instanceof ComputationGraph graph)) {
      throw new IllegalArgumentException(network.spec().architecture().id() + " is a chain: use ChainCompactor");
    }
    ComputationGraphConfiguration conf = graph.getConfiguration().clone();
    CompactPlan plan = new CompactPlan(conf);
    Map<String, org.deeplearning4j.nn.conf.graph.GraphVertex> vertices = conf.getVertices();
    for (PrunableLayer layer : network.topology().layers()) {
      String name = layer.name();
      if (!name.endsWith(".conv1")) {
        continue; // only a block's first convolution has an inner side (the stem is "conv1")
      }
      String prefix = name.substring(0, name.length() - "conv1".length());
      Layer bn = graph.getLayer(prefix + "bn1");
      boolean[] keep = new boolean[layer.outputs()];
      for (int u = 0; u < keep.length; u++) {
        keep[u] = ChainCompactor.read(masks.layer(prefix + "conv2"), u, 1)
            && !ChainCompactor.silent(masks.layer(name), u, network.biases(name), bn, training);
      }
      int outs = ChainCompactor.count(keep);
      if (outs == 0) {
        throw new ReliefInputException("block " + prefix + " has no inner channel left: nothing to compact into");
      }
      ((FeedForwardLayer) layerConf(vertices, prefix + "conv1")).setNOut(outs);
      ((FeedForwardLayer) layerConf(vertices, prefix + "bn1")).setNIn(outs);
      ((FeedForwardLayer) layerConf(vertices, prefix + "bn1")).setNOut(outs);
      ((FeedForwardLayer) layerConf(vertices, prefix + "conv2")).setNIn(outs);
      innerLayout(vertices, prefix, outs);
      // conv W [out, in, kh, kw]; biases and BatchNorm parameters per channel on the last axis
      int conv1 = CompactPlan.position(graph, prefix + "conv1");
      plan.keep(conv1, "W", 0, keep);
      plan.keep(conv1, "b", CompactPlan.LAST_AXIS, keep); // if it has one
      for (String param : bn.paramTable().keySet()) {
        plan.keep(CompactPlan.position(graph, prefix + "bn1"), param, CompactPlan.LAST_AXIS, keep);
      }
      plan.keep(CompactPlan.position(graph, prefix + "conv2"), "W", 1, keep);
    }
    return plan;
  }

  /**
   * In a network built to train, the block's inner activations (conv1's output, bn1, conv2's
   * input) stay in oneDNN's channel blocks only if the channels left still fill whole blocks.
   */
  private static void innerLayout(Map<String, org.deeplearning4j.nn.conf.graph.GraphVertex> vertices, String prefix,
      int channels) {
    if (layerConf(vertices, prefix + "conv1") instanceof TrainingConvolution conv1
        && layerConf(vertices, prefix + "bn1") instanceof LaidOutBatchNorm bn1
        && layerConf(vertices, prefix + "conv2") instanceof TrainingConvolution conv2) {
      ActivationLayout inner = conv1.getOutputLayout().forChannels(channels);
      conv1.setOutputLayout(inner);
      bn1.setLayout(inner);
      conv2.setInputLayout(inner);
    }
  }

  private static org.deeplearning4j.nn.conf.layers.Layer layerConf(
      Map<String, org.deeplearning4j.nn.conf.graph.GraphVertex> vertices, String name) {
    return ((LayerVertex) vertices.get(name)).getLayerConf().getLayer();
  }
}

package org.relief.model.compact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.relief.model.ReliefInputException;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;

/**
 * A physically smaller copy of a pruned chain (LeNets, VGGs): every hidden unit or filter
 * whose output is identically zero, or that nothing reads any more, is removed with its
 * incoming weights, its bias, its BatchNorm entries and the next layer's weights that read it.
 * The compact network computes what the masked one computes (pruned weights are zero, so the
 * removed terms were zero). Units are removed only where that is exact: a unit that keeps a
 * non-zero constant output (a kept bias) and is read stays.
 */
public final class ChainCompactor {
  private ChainCompactor() {}

  /** The compact network of a chain {@code network} (parameters masked already) under {@code masks}. */
  public static MultiLayerNetwork compact(ReliefNetwork network, NetworkMasks masks) {
    return (MultiLayerNetwork) plan(network, masks, false).apply(network.dl4j());
  }

  /**
   * Which units go and the smaller configuration.
   *
   * @param training also exact in training mode: a unit followed by BatchNorm is silent only if
   *     its beta is not positive too (a constant input normalises to 0 over a batch, leaving beta)
   */
  static CompactPlan plan(ReliefNetwork network, NetworkMasks masks, boolean training) {
    if (!(network.dl4j() instanceof MultiLayerNetwork net)) {
      throw new IllegalArgumentException(network.spec().architecture().id() + " is a graph: use ResNetCompactor");
    }
    List<PrunableLayer> prunable = network.topology().layers();
    Map<String, Integer> index = layerIndex(net);
    List<boolean[]> kept = new ArrayList<>();
    for (int k = 0; k < prunable.size(); k++) {
      PrunableLayer layer = prunable.get(k);
      Layer batchNorm = batchNormAfter(net, index.get(layer.name()));
      boolean[] keep = new boolean[layer.outputs()];
      for (int u = 0; u < keep.length; u++) {
        keep[u] = k == prunable.size() - 1 // every class stays
            || (read(masks.layer(prunable.get(k + 1).name()), u, readsPerUnit(prunable, k))
                && !silent(masks.layer(layer.name()), u, network.biases(layer.name()), batchNorm, training));
      }
      kept.add(keep);
    }

    MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
    CompactPlan plan = new CompactPlan(conf);
    // widths: each prunable layer's nOut, the next one's nIn, BatchNorm in between
    for (int k = 0; k < prunable.size(); k++) {
      boolean[] out = kept.get(k);
      int outs = count(out);
      if (outs == 0) {
        throw new ReliefInputException("layer " + prunable.get(k).name() + " has no unit left: nothing to compact into");
      }
      int at = index.get(prunable.get(k).name());
      boolean conv = prunable.get(k).isConv();
      ((FeedForwardLayer) conf.getConf(at).getLayer()).setNOut(outs);
      // DL4J's shapes: conv W [out, in, kh, kw], dense W [in, out]; biases and BatchNorm's per unit on the last axis
      plan.keep(at, "W", conv ? 0 : 1, out);
      plan.keep(at, "b", CompactPlan.LAST_AXIS, out);
      if (k > 0) {
        plan.keep(at, "W", conv ? 1 : 0, expand(kept.get(k - 1), readsPerUnit(prunable, k - 1)));
      }
      if (k + 1 == prunable.size()) {
        continue;
      }
      int next = index.get(prunable.get(k + 1).name());
      for (int between = at + 1; between < next; between++) {
        if (conf.getConf(between).getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization bn) {
          bn.setNIn(outs);
          bn.setNOut(outs);
        }
        for (String param : net.getLayer(between).paramTable().keySet()) { // BatchNorm's, one per unit
          plan.keep(between, param, CompactPlan.LAST_AXIS, out);
        }
      }
      ((FeedForwardLayer) conf.getConf(next).getLayer()).setNIn((long) outs * readsPerUnit(prunable, k));
      if (conf.getInputPreProcess(next) instanceof CnnToFeedForwardPreProcessor flatten) {
        flatten.setNumChannels(outs);
      }
    }
    return plan;
  }

  /** Inputs of the next prunable layer per unit of layer k: 1, or H·W where a convolution feeds a dense layer. */
  private static int readsPerUnit(List<PrunableLayer> prunable, int k) {
    if (k + 1 >= prunable.size()) {
      return 1;
    }
    return prunable.get(k + 1).inputs() / prunable.get(k).outputs();
  }

  static boolean read(LayerMask next, int unit, int perUnit) {
    for (int input = unit * perUnit; input < (unit + 1) * perUnit; input++) {
      if (next.inputUsed(input)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True if the unit's output is exactly zero on every input: no incoming weight survives and
   * its constant (bias, through {@code batchNorm} if not null, then ReLU) is 0; with {@code
   * training}, also in training mode, where BatchNorm turns a constant into its beta.
   */
  static boolean silent(LayerMask mask, int unit, float[] biases, Layer batchNorm, boolean training) {
    int start = unit * mask.inputs() * mask.weightsPerConnection();
    for (int w = start; w < start + mask.inputs() * mask.weightsPerConnection(); w++) {
      if (mask.weight(w)) {
        return false;
      }
    }
    double constant = mask.biasCount() > 0 && mask.bias(unit) ? biases[unit] : 0;
    if (batchNorm != null) {
      double eps = ((org.deeplearning4j.nn.conf.layers.BatchNormalization) batchNorm.conf().getLayer()).getEps();
      constant = batchNorm.getParam("gamma").getDouble(0, unit) * (constant - batchNorm.getParam("mean").getDouble(0, unit))
          / Math.sqrt(batchNorm.getParam("var").getDouble(0, unit) + eps) + batchNorm.getParam("beta").getDouble(0, unit);
      if (training && batchNorm.getParam("beta").getDouble(0, unit) > 0) {
        return false;
      }
    }
    return Math.max(0, constant) == 0; // every hidden unit is followed by a ReLU
  }

  /** The BatchNorm layer right after layer {@code at} in the chain, or null. */
  private static Layer batchNormAfter(MultiLayerNetwork net, int at) {
    return at + 1 < net.getnLayers() && net.getLayer(at + 1).paramTable().containsKey("gamma") ? net.getLayer(at + 1) : null;
  }

  private static Map<String, Integer> layerIndex(MultiLayerNetwork net) {
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < net.getnLayers(); i++) {
      index.put(net.getLayer(i).conf().getLayer().getLayerName(), i);
    }
    return index;
  }

  private static boolean[] expand(boolean[] units, int perUnit) {
    boolean[] out = new boolean[units.length * perUnit];
    for (int i = 0; i < out.length; i++) {
      out[i] = units[i / perUnit];
    }
    return out;
  }

  static int count(boolean[] a) {
    int n = 0;
    for (boolean b : a) {
      n += b ? 1 : 0;
    }
    return n;
  }
}

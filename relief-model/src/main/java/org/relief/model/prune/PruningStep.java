package org.relief.model.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.relief.model.net.LayerKind;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.ParamLayout;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;

/**
 * One NNrelief pruning step (Dekhovich et al. 2024; DESIGN.md "The algorithm").
 *
 * <ol>
 *   <li>Pass 1 (only if there are convolutions): statistics of every convolution from one
 *       forward pass of the network as it stands, residual shortcuts ungated as the reference
 *       computes them; each filter's connections are scored and selected with {@code
 *       alpha-conv}; in residual blocks the residual rule may then remove a whole filter or
 *       close a shortcut channel.
 *   <li>Pass 2: statistics of every dense layer from a forward pass with the new convolution
 *       masks applied (the dense block sees the pruned feature extractor, each dense layer the
 *       unpruned previous dense layer); selection with {@code alpha-fc}.
 *   <li>A unit whose post-activation output is 0 on every sample is removed whole.
 *   <li>New masks are ANDed with the current ones: masks only shrink.
 *   <li>The backward walk removes units nothing reads any more.
 * </ol>
 *
 * The step never changes the network it is given; it returns the new masks.
 */
public final class PruningStep {

  /** The masks before and after the backward walk. */
  public record Outcome(NetworkMasks beforeBackward, NetworkMasks masks) {}

  private final PruningSettings settings;

  public PruningStep(PruningSettings settings) {
    this.settings = settings;
  }

  /**
   * @param network supplies topology, layout and current parameters (not modified)
   * @param current the masks in force; the parameters are masked with them before scoring
   * @param source computes activity totals over the pruning set
   */
  public Outcome run(ReliefNetwork network, NetworkMasks current, ActivitySource source) {
    NetworkTopology topology = network.topology();
    ParamLayout layout = network.layout();
    float[] params = current.apply(network.params(), layout);

    List<PrunableLayer> convs = topology.layersOfKind(LayerKind.CONV);
    List<LayerMask> selected = new ArrayList<>(score(convs, openGates(params, topology, layout), layout, current, source,
        settings.alphaConv()));
    NetworkMasks afterConvs = current.with(selected);

    float[] withPrunedConvs = convs.isEmpty() ? params : afterConvs.apply(params, layout);
    List<PrunableLayer> dense = topology.layersOfKind(LayerKind.DENSE);
    selected.addAll(score(dense, withPrunedConvs, layout, current, source, settings.alphaFc()));

    NetworkMasks beforeBackward = current.with(selected);
    return new Outcome(beforeBackward, BackwardWalk.apply(topology, beforeBackward));
  }

  /** One statistics pass over {@code layers}, then scoring and selection for each of them. */
  private List<LayerMask> score(List<PrunableLayer> layers, float[] params, ParamLayout layout,
      NetworkMasks current, ActivitySource source, double alpha) {
    if (layers.isEmpty()) {
      return List.of();
    }
    List<String> names = layers.stream().map(PrunableLayer::name).toList();
    ActivityStats stats = source.collect(params, new ActivityRequest(names, settings.convScore()));
    List<LayerMask> masks = new ArrayList<>();
    for (PrunableLayer layer : layers) {
      ParamLayout.Segments s = layout.of(layer.name());
      float[] weights = slice(params, s.weightOffset(), s.weightCount());
      float[] biases = slice(params, s.biasOffset(), s.biasCount());
      ConnectionScores scores = ConnectionScores.of(layer, stats.layer(layer.name()), weights, biases, settings.convScore());
      LayerMask mask = select(layer, scores, stats.layer(layer.name()), alpha);
      if (layer.hasResidual()) {
        mask = residualRule(mask, stats.layer(layer.name()), alpha);
      }
      masks.add(mask.and(current.layer(layer.name())));
    }
    return masks;
  }

  /**
   * Dead units lose everything; every other unit keeps its cumulative-alpha prefix. Units are
   * independent, so they are selected in parallel (each writes only its own rows).
   */
  static LayerMask select(PrunableLayer layer, ConnectionScores scores, LayerActivity activity, double alpha) {
    int inputs = layer.inputs();
    int k2 = layer.weightsPerConnection();
    boolean[] weights = new boolean[Math.toIntExact(layer.weightCount())];
    boolean[] biases = new boolean[layer.biasCount()];
    boolean[] gate = layer.hasResidual() ? new boolean[layer.outputs()] : null;
    IntStream.range(0, layer.outputs()).parallel().forEach(j -> {
      if (activity.activeSamples(j) == 0) {
        return; // dead unit: all incoming connections, the bias and its shortcut channel go
      }
      if (gate != null) {
        gate[j] = true;
      }
      boolean[] keep;
      try {
        keep = MaskSelector.keep(scores.unit(j), alpha);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("layer " + layer.name() + ", unit " + j + ": " + e.getMessage()
            + " (NaN or infinite weights or activations?)", e);
      }
      for (int i = 0; i < inputs; i++) {
        if (keep[i]) {
          int start = (j * inputs + i) * k2;
          Arrays.fill(weights, start, start + k2, true);
        }
      }
      if (layer.bias()) {
        biases[j] = keep[inputs];
      }
    });
    return LayerMask.wrap(layer, weights, biases, gate);
  }

  /**
   * DESIGN.md "Residual blocks": per channel k, with nb and nr the norms of the mean |BatchNorm
   * output| and mean |shortcut|, nb/nr &lt; (1−α)/α removes filter k (its shortcut channel stays),
   * nr/nb &lt; (1−α)/α closes shortcut channel k. A 0/0 ratio is NaN and removes nothing; the
   * zero-padded channels of an option-A shortcut have nr = 0 and are closed, as in the reference.
   */
  static LayerMask residualRule(LayerMask mask, LayerActivity activity, double alpha) {
    double limit = (1 - alpha) / alpha;
    boolean[] filters = new boolean[mask.outputs()];
    boolean[] gates = new boolean[mask.outputs()];
    for (int k = 0; k < mask.outputs(); k++) {
      double branch = activity.branchNorm(k);
      double shortcut = activity.shortcutNorm(k);
      filters[k] = branch / shortcut < limit;
      gates[k] = shortcut / branch < limit;
    }
    return mask.withoutFilters(filters).withoutGates(gates);
  }

  /**
   * The parameters with every shortcut gate open: the reference scores convolutions on the
   * shortcut without its mask (resnet_prune.py), in every iteration.
   */
  private static float[] openGates(float[] params, NetworkTopology topology, ParamLayout layout) {
    float[] out = null;
    for (PrunableLayer layer : topology.layers()) {
      ParamLayout.Segments s = layout.of(layer.name());
      if (s.hasGate()) {
        if (out == null) {
          out = params.clone();
        }
        Arrays.fill(out, Math.toIntExact(s.gateOffset()), Math.toIntExact(s.gateOffset()) + layer.outputs(), 1f);
      }
    }
    return out == null ? params : out;
  }

  private static float[] slice(float[] params, long offset, long count) {
    if (count == 0) {
      return new float[0];
    }
    return Arrays.copyOfRange(params, Math.toIntExact(offset), Math.toIntExact(offset + count));
  }
}

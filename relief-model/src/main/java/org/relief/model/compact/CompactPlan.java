package org.relief.model.compact;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A compaction decided ({@link ChainCompactor}, {@link ResNetCompactor}): the smaller
 * network's configuration and, per layer and parameter, which entries along which axes it
 * keeps. Applied to the pruned network it gives the compact network; applied to a copy of the
 * network whose parameters are their own positions it tells where each compact parameter
 * lives in the full network, which is how retrained compact weights go back.
 */
final class CompactPlan {
  /** For {@link #keep}: the parameter's last axis, whatever its rank. */
  static final int LAST_AXIS = -1;

  private final MultiLayerConfiguration chain;
  private final ComputationGraphConfiguration graph;
  /** layer (position in DL4J's layer array) → parameter key → axis → entries kept. */
  private final Map<Integer, Map<String, Map<Integer, boolean[]>>> kept = new HashMap<>();

  /** A plan for a chain whose compact configuration is {@code chain}. */
  CompactPlan(MultiLayerConfiguration chain) {
    this.chain = chain;
    this.graph = null;
  }

  /** A plan for a graph whose compact configuration is {@code graph}. */
  CompactPlan(ComputationGraphConfiguration graph) {
    this.chain = null;
    this.graph = graph;
  }

  /** The compact network keeps only the entries of {@code param} of layer {@code layer} along {@code axis} where {@code entries} is true. */
  void keep(int layer, String param, int axis, boolean[] entries) {
    kept.computeIfAbsent(layer, l -> new HashMap<>()).computeIfAbsent(param, p -> new HashMap<>()).put(axis, entries);
  }

  /** The compact network whose parameters are those of {@code full} the plan keeps. */
  Model apply(Model full) {
    Model compact = instantiate(graph != null ? graph : chain, full.params().dataType(), null);
    Layer[] source = layers(full);
    Layer[] target = layers(compact);
    for (int i = 0; i < source.length; i++) {
      Map<String, Map<Integer, boolean[]>> selections = kept.getOrDefault(i, Map.of());
      for (Map.Entry<String, INDArray> p : source[i].paramTable().entrySet()) {
        INDArray value = p.getValue();
        for (Map.Entry<Integer, boolean[]> s : selections.getOrDefault(p.getKey(), Map.of()).entrySet()) {
          value = select(value, s.getKey() == LAST_AXIS ? value.rank() - 1 : s.getKey(), s.getValue());
        }
        target[i].setParam(p.getKey(), value);
      }
    }
    return compact;
  }

  /**
   * For each entry of the compact network's flat parameter vector, its index in {@code full}'s:
   * the plan applied to a double-precision copy of {@code full} whose parameters are 0, 1, 2, …
   * (exact up to 2^53 parameters).
   */
  long[] positions(Model full) {
    double[] indices = new double[Math.toIntExact(full.numParams())];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = i;
    }
    Object fullConf = full instanceof ComputationGraph g ? g.getConfiguration()
        : ((MultiLayerNetwork) full).getLayerWiseConfigurations();
    Model numbered = instantiate(fullConf, DataType.DOUBLE, Nd4j.createFromArray(indices).reshape(1, indices.length));
    double[] found = apply(numbered).params().toDoubleVector();
    long[] positions = new long[found.length];
    for (int i = 0; i < found.length; i++) {
      positions[i] = (long) found[i];
    }
    return positions;
  }

  /**
   * A network of a copy of {@code conf} (a chain's or a graph's) in data type {@code type}, on
   * {@code params} (null: freshly initialised).
   */
  private static Model instantiate(Object conf, DataType type, INDArray params) {
    if (conf instanceof ComputationGraphConfiguration graphConf) {
      ComputationGraphConfiguration copy = graphConf.clone();
      copy.setDataType(type);
      ComputationGraph g = new ComputationGraph(copy);
      g.init(params, false);
      return g;
    }
    MultiLayerConfiguration copy = ((MultiLayerConfiguration) conf).clone();
    copy.setDataType(type);
    MultiLayerNetwork net = new MultiLayerNetwork(copy);
    net.init(params, false);
    return net;
  }

  static Layer[] layers(Model model) {
    return model instanceof ComputationGraph g ? g.getLayers() : ((MultiLayerNetwork) model).getLayers();
  }

  /** The position of the layer named {@code name} in {@code model}'s layer array. */
  static int position(Model model, String name) {
    Layer[] layers = layers(model);
    for (int i = 0; i < layers.length; i++) {
      if (name.equals(layers[i].conf().getLayer().getLayerName())) {
        return i;
      }
    }
    throw new IllegalArgumentException("no layer named " + name);
  }

  /** The entries of {@code a} along {@code axis} where {@code keep} is true. */
  static INDArray select(INDArray a, int axis, boolean[] keep) {
    List<Long> picked = new ArrayList<>();
    for (int i = 0; i < keep.length; i++) {
      if (keep[i]) {
        picked.add((long) i);
      }
    }
    long[] indices = picked.stream().mapToLong(Long::longValue).toArray();
    INDArrayIndex[] where = new INDArrayIndex[a.rank()];
    for (int d = 0; d < where.length; d++) {
      where[d] = d == axis ? NDArrayIndex.indices(indices) : NDArrayIndex.all();
    }
    return a.get(where).dup('c');
  }
}

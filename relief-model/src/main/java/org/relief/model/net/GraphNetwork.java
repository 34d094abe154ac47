package org.relief.model.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A {@link ReliefNetwork} over a DL4J {@link ComputationGraph}: the ResNets.
 *
 * <p>The prunable layers and how they feed each other are read off the graph: a convolution
 * followed by BatchNorm and a ReLU, or by BatchNorm, the addition of a {@link ShortcutLayer} and
 * a ReLU (the second convolution of a residual block, whose {@link Residual} names the
 * shortcut and the block's input); pooling between layers is looked through. A prunable
 * layer's {@code networkIndex} and {@code activationIndex} are DL4J vertex indices.
 */
public final class GraphNetwork implements ReliefNetwork {
  private final NetworkSpec spec;
  private final ComputationGraph graph;
  private final NetworkTopology topology;
  private final ParamLayout layout;
  private final Dl4jParameters parameters;
  /** Per prunable layer: the vertex its input comes from. */
  private final Map<String, String> inputVertex = new HashMap<>();
  /** Position in DL4J's topological order of each vertex, by vertex index. */
  private final int[] position;

  private GraphNetwork(NetworkSpec spec, ComputationGraph graph) {
    this.spec = spec;
    this.graph = graph;
    int[] order = graph.topologicalSortOrder();
    this.position = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      position[order[i]] = i;
    }
    this.topology = readTopology();
    this.layout = Dl4jParameters.probe(graph, List.of(graph.getLayers()), topology);
    this.parameters = new Dl4jParameters(graph, layout);
  }

  private GraphNetwork(GraphNetwork same, ComputationGraph graph) {
    this.spec = same.spec;
    this.graph = graph;
    this.position = same.position;
    this.topology = same.topology;
    this.inputVertex.putAll(same.inputVertex);
    this.layout = same.layout;
    this.parameters = new Dl4jParameters(graph, layout);
  }

  /** The same graph and parameters in double precision (DL4J keeps vertices and parameter layout). */
  GraphNetwork inFloat64() {
    return new GraphNetwork(this, graph.convertDataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
  }

  /** Builds a graph from its configuration and initialises it from the spec's seed alone. */
  static GraphNetwork create(NetworkSpec spec, ComputationGraphConfiguration conf) {
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    GraphNetwork network = new GraphNetwork(spec, graph);
    network.parameters.initialise(spec, network.topology);
    return network;
  }

  /** Wraps a DL4J graph built from {@code spec}'s architecture (e.g. with a training updater). */
  public static GraphNetwork wrap(NetworkSpec spec, ComputationGraph graph) {
    return new GraphNetwork(spec, graph);
  }

  @Override
  public ComputationGraph dl4j() {
    return graph;
  }

  @Override
  public NetworkSpec spec() {
    return spec;
  }

  @Override
  public NetworkTopology topology() {
    return topology;
  }

  @Override
  public ParamLayout layout() {
    return layout;
  }

  @Override
  public float[] params() {
    return parameters.params();
  }

  @Override
  public void setParams(float[] params) {
    parameters.setParams(params);
  }

  @Override
  public float[] weights(String layer) {
    return parameters.weights(layer);
  }

  @Override
  public float[] biases(String layer) {
    return parameters.biases(layer);
  }

  @Override
  public void setLayer(String layer, float[] weights, float[] biases) {
    parameters.setLayer(layer, weights, biases);
  }

  @Override
  public ForwardPass forward(INDArray batch, Collection<String> layers) {
    int last = -1;
    for (String name : layers) {
      last = Math.max(last, position[topology.layer(name).activationIndex()]);
    }
    if (last < 0) {
      return ForwardPass.empty();
    }
    int through = last;
    return ForwardPass.run(() -> {
      Map<String, LayerIO> result = new LinkedHashMap<>();
      Map<String, INDArray> acts = activations(batch, through);
      long n = batch.size(0);
      for (String name : layers) {
        PrunableLayer layer = topology.layer(name);
        INDArray input = acts.get(inputVertex.get(name));
        INDArray output = acts.get(vertexName(layer.activationIndex()));
        if (!layer.isConv()) {
          if (input.rank() != 2) {
            input = input.reshape('c', n, input.length() / n);
          }
          if (layer.logits()) {
            org.deeplearning4j.nn.api.Layer dl4j = graph.getLayer(name);
            output = input.mmul(dl4j.getParam(DefaultParamInitializer.WEIGHT_KEY))
                .addiRowVector(dl4j.getParam(DefaultParamInitializer.BIAS_KEY));
          }
        }
        INDArray branch = layer.hasResidual() ? acts.get(layer.batchNorm()) : null;
        INDArray shortcut = layer.hasResidual() ? acts.get(layer.residual().shortcutLayer()) : null;
        result.put(name, new LayerIO(input, output, branch, shortcut));
      }
      return result;
    });
  }

  /**
   * Every vertex's output, in inference mode, up to position {@code last} of DL4J's topological
   * order: DL4J's own forward walk, with activations allocated in the open {@link PassWorkspace}
   * instead of detached one by one.
   */
  private Map<String, INDArray> activations(INDArray batch, int last) {
    LayerWorkspaceMgr mgr = PassWorkspace.manager();
    GraphVertex[] vertices = graph.getVertices();
    int[] order = graph.topologicalSortOrder();
    Map<String, INDArray> acts = new HashMap<>();
    try {
      for (int i = 0; i <= last; i++) {
        GraphVertex vertex = vertices[order[i]];
        INDArray out;
        try (MemoryWorkspace working = mgr.notifyScopeEntered(ArrayType.FF_WORKING_MEM)) {
          out = vertex.isInputVertex() ? batch : vertex.doForward(false, mgr);
        }
        acts.put(vertex.getVertexName(), out);
        if (vertex.getOutputVertices() != null) {
          for (VertexIndices to : vertex.getOutputVertices()) {
            vertices[to.getVertexIndex()].setInput(to.getVertexEdgeNumber(), out, mgr);
          }
        }
      }
    } finally {
      for (GraphVertex vertex : vertices) {
        vertex.clear(); // no vertex keeps a reference into the workspace
      }
    }
    return acts;
  }

  @Override
  public INDArray output(INDArray batch) {
    return graph.outputSingle(false, batch);
  }

  @Override
  public void fit(DataSet batch) {
    graph.fit(batch);
  }

  @Override
  public void incrementEpochCount() {
    graph.incrementEpochCount();
  }

  private String vertexName(int index) {
    return graph.getVertices()[index].getVertexName();
  }

  /** Reads the prunable layers, their feeds and residual blocks off the graph configuration. */
  private NetworkTopology readTopology() {
    ComputationGraphConfiguration conf = graph.getConfiguration();
    Map<String, List<String>> inputs = conf.getVertexInputs();
    Map<String, List<String>> consumers = new HashMap<>();
    inputs.forEach((v, ins) -> ins.forEach(in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(v)));
    Map<String, InputType> types = conf.getLayerActivationTypes(
        InputType.convolutional(spec.height(), spec.width(), spec.channels()));
    Map<String, Integer> index = new HashMap<>();
    for (var v : graph.getVertices()) {
      index.put(v.getVertexName(), v.getVertexIndex());
    }

    List<PrunableLayer> layers = new ArrayList<>();
    Map<String, String> producerOfActivation = new HashMap<>(); // activation vertex -> prunable layer
    Map<String, String> shortcutInput = new HashMap<>(); // prunable layer -> its block's input vertex
    for (int vertex : graph.topologicalSortOrder()) {
      String name = vertexName(vertex);
      Layer layer = layerOf(conf, name);
      if (layer == null) {
        continue;
      }
      PrunableLayer p;
      if (layer.getClass() == ConvolutionLayer.class || layer instanceof TrainingConvolution) {
        ConvolutionLayer c = (ConvolutionLayer) layer;
        p = SequentialNetwork.convLayer(c, vertex, types.get(only(inputs.get(name), name)), types.get(name));
      } else if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
        FeedForwardLayer ff = (FeedForwardLayer) layer;
        p = PrunableLayer.dense(name, vertex, (int) ff.getNIn(), (int) ff.getNOut(), conf.getNetworkOutputs().contains(name));
      } else {
        continue;
      }
      inputVertex.put(name, only(inputs.get(name), name));
      List<String> after = consumers.getOrDefault(name, List.of());
      if (after.size() == 1 && layerOf(conf, after.get(0)) instanceof BatchNormalization) {
        String bn = after.get(0);
        // the vertex whose output is the layer's activation: a ReLU layer after BatchNorm or after the
        // block's add, or (networks built to train) the BatchNorm or the add that applies ReLU itself
        String activation = bn;
        if (!(layerOf(conf, bn) instanceof TrainingBatchNormRelu)) {
          activation = only(consumers.get(bn), bn);
          if (conf.getVertices().get(activation) instanceof ElementWiseVertex join) {
            String add = activation;
            String shortcut = inputs.get(add).stream().filter(v -> !v.equals(bn)).findFirst().orElseThrow();
            if (!(layerOf(conf, shortcut) instanceof ShortcutLayer s) || inputs.get(add).size() != 2) {
              throw new IllegalArgumentException("vertex " + add + " must add " + bn + " and a shortcut layer");
            }
            shortcutInput.put(name, only(inputs.get(shortcut), shortcut));
            p = p.withResidual(new Residual(shortcut, null, s.getOffset(), s.getChannelsIn()));
            activation = join instanceof ResidualAddRelu ? add : only(consumers.get(add), add);
          }
          if (!(layerOf(conf, activation) instanceof ActivationLayer)
              && !(conf.getVertices().get(activation) instanceof ResidualAddRelu)) {
            throw new IllegalArgumentException("layer " + name + ": BatchNorm must be followed by an activation layer");
          }
        }
        p = p.withBatchNorm(bn, index.get(activation));
        producerOfActivation.put(activation, name);
      } else {
        producerOfActivation.put(name, name);
      }
      layers.add(p);
    }
    boolean stemSeen = false;
    List<Feed> feeds = new ArrayList<>();
    for (int k = 0; k < layers.size(); k++) {
      PrunableLayer p = layers.get(k);
      if (p.hasResidual()) {
        String source = producerOf(shortcutInput.get(p.name()), inputs, producerOfActivation, conf);
        p = p.withResidual(new Residual(p.residual().shortcutLayer(), source, p.residual().offset(),
            p.residual().sourceChannels()));
      }
      if (p.isConv() && !stemSeen) {
        stemSeen = true;
        if (spec.referenceStem()) {
          p = p.unmasked();
        }
      }
      layers.set(k, p);
      String producer = producerOf(inputVertex.get(p.name()), inputs, producerOfActivation, conf);
      if (producer != null) {
        PrunableLayer from = layers.stream().filter(l -> l.name().equals(producer)).findFirst().orElseThrow();
        feeds.add(new Feed(producer, p.name(), p.inputs() / from.outputs()));
      }
    }
    return new NetworkTopology(layers, feeds);
  }

  /** The prunable layer whose output reaches {@code vertex} through pooling only, or null for the network input. */
  private static String producerOf(String vertex, Map<String, List<String>> inputs, Map<String, String> producerOfActivation,
      ComputationGraphConfiguration conf) {
    String v = vertex;
    while (true) {
      if (producerOfActivation.containsKey(v)) {
        return producerOfActivation.get(v);
      }
      if (conf.getNetworkInputs().contains(v)) {
        return null;
      }
      Layer layer = layerOf(conf, v);
      if (!(layer instanceof SubsamplingLayer || layer instanceof GlobalPoolingLayer)) {
        throw new IllegalArgumentException("vertex " + v + " between prunable layers is not supported");
      }
      v = only(inputs.get(v), v);
    }
  }

  private static Layer layerOf(ComputationGraphConfiguration conf, String vertex) {
    return conf.getVertices().get(vertex) instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
  }

  private static String only(List<String> names, String of) {
    if (names == null || names.size() != 1) {
      throw new IllegalArgumentException("vertex " + of + " must have exactly one input/consumer, has " + names);
    }
    return names.get(0);
  }
}

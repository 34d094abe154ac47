package org.relief.model.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A {@link ReliefNetwork} over a DL4J {@link MultiLayerNetwork}: LeNets and VGG-style chains.
 *
 * <p>The prunable layers are read off the DL4J configuration (dense, output and convolution
 * layers; pooling is skipped), so a new chain architecture needs no change here.
 */
public final class SequentialNetwork implements ReliefNetwork {
  private final NetworkSpec spec;
  private final MultiLayerNetwork net;
  private final NetworkTopology topology;
  private final ParamLayout layout;
  private final Dl4jParameters parameters;

  private SequentialNetwork(NetworkSpec spec, MultiLayerNetwork net) {
    this.spec = spec;
    this.net = net;
    this.topology = NetworkTopology.chain(prunableLayers(spec, net.getLayerWiseConfigurations()));
    this.layout = Dl4jParameters.probe(net, List.of(net.getLayers()), topology);
    this.parameters = new Dl4jParameters(net, layout);
  }

  private SequentialNetwork(SequentialNetwork same, MultiLayerNetwork net) {
    this.spec = same.spec;
    this.net = net;
    this.topology = same.topology;
    this.layout = same.layout;
    this.parameters = new Dl4jParameters(net, layout);
  }

  /** The same network and parameters in double precision (DL4J keeps the parameter layout). */
  SequentialNetwork inFloat64() {
    return new SequentialNetwork(this, net.convertDataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
  }

  /** Builds a network from its configuration and initialises it from the spec's seed alone (see {@link Dl4jParameters#initialise}). */
  static SequentialNetwork create(NetworkSpec spec, MultiLayerConfiguration conf) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    SequentialNetwork network = new SequentialNetwork(spec, net);
    network.parameters.initialise(spec, network.topology);
    return network;
  }

  /** Wraps a DL4J network built from {@code spec}'s architecture (e.g. with a training updater). */
  public static SequentialNetwork wrap(NetworkSpec spec, MultiLayerNetwork net) {
    return new SequentialNetwork(spec, net);
  }

  @Override
  public MultiLayerNetwork dl4j() {
    return net;
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
      last = Math.max(last, topology.layer(name).activationIndex());
    }
    if (last < 0) {
      return ForwardPass.empty();
    }
    int through = last;
    return ForwardPass.run(() -> {
      Map<String, LayerIO> result = new LinkedHashMap<>();
      // activations.get(i) is what layer i received (before its preprocessor), get(i + 1) its output
      List<INDArray> activations = activations(batch, through);
      long n = batch.size(0);
      for (String name : layers) {
        PrunableLayer layer = topology.layer(name);
        INDArray input = activations.get(layer.networkIndex());
        INDArray output = activations.get(layer.activationIndex() + 1); // after BatchNorm and ReLU, if any
        if (!layer.isConv()) {
          if (input.rank() != 2) {
            input = input.reshape('c', n, input.length() / n); // flatten C, H, W as the preprocessor does
          }
          if (layer.logits()) {
            org.deeplearning4j.nn.api.Layer dl4j = net.getLayer(layer.networkIndex());
            output = input.mmul(dl4j.getParam(DefaultParamInitializer.WEIGHT_KEY))
                .addiRowVector(dl4j.getParam(DefaultParamInitializer.BIAS_KEY));
          }
        }
        result.put(name, new LayerIO(input, output));
      }
      return result;
    });
  }

  /**
   * The batch and each layer's output up to layer {@code last}, in inference mode: DL4J's own
   * forward walk, with activations allocated in the open {@link PassWorkspace} instead of
   * detached one by one.
   */
  private List<INDArray> activations(INDArray batch, int last) {
    LayerWorkspaceMgr mgr = PassWorkspace.manager();
    List<INDArray> out = new ArrayList<>();
    out.add(batch);
    INDArray x = batch;
    try {
      for (int i = 0; i <= last; i++) {
        try (MemoryWorkspace working = mgr.notifyScopeEntered(ArrayType.FF_WORKING_MEM)) {
          InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
          if (pre != null) {
            x = pre.preProcess(x, (int) batch.size(0), mgr);
          }
          x = net.getLayer(i).activate(x, false, mgr);
        }
        out.add(x);
      }
    } finally {
      for (int i = 0; i <= last; i++) {
        net.getLayer(i).clear(); // no layer keeps a reference into the workspace
      }
    }
    return out;
  }

  @Override
  public INDArray output(INDArray batch) {
    return net.output(batch, false);
  }

  @Override
  public void fit(DataSet batch) {
    net.fit(batch);
  }

  @Override
  public void incrementEpochCount() {
    net.incrementEpochCount();
  }

  private static List<PrunableLayer> prunableLayers(NetworkSpec spec, MultiLayerConfiguration conf) {
    InputType input = spec.architecture().flatInput()
        ? InputType.feedForward(spec.inputVolume())
        : InputType.convolutional(spec.height(), spec.width(), spec.channels());
    List<InputType> outputs = conf.getLayerActivationTypes(input);
    int count = conf.getConfs().size();
    List<PrunableLayer> layers = new ArrayList<>();
    InputType previous = input;
    for (int i = 0; i < count; i++) {
      Layer layer = conf.getConf(i).getLayer();
      PrunableLayer prunable = null;
      if (layer.getClass() == ConvolutionLayer.class || layer instanceof TrainingConvolution) {
        prunable = convLayer((ConvolutionLayer) layer, i, previous, outputs.get(i));
      } else if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
        org.deeplearning4j.nn.conf.layers.FeedForwardLayer ff = (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) layer;
        prunable = PrunableLayer.dense(layer.getLayerName(), i, (int) ff.getNIn(), (int) ff.getNOut(),
            layer instanceof BaseOutputLayer && i == count - 1);
      }
      if (prunable != null && i + 1 < count && conf.getConf(i + 1).getLayer() instanceof BatchNormalization bn) {
        // conv → BatchNorm → ReLU: the unit's output is the ReLU's, and its BN parameters go with it
        if (i + 2 >= count || !(conf.getConf(i + 2).getLayer() instanceof ActivationLayer)) {
          throw new IllegalArgumentException("layer " + layer.getLayerName() + ": BatchNorm must be followed by an activation layer");
        }
        prunable = prunable.withBatchNorm(bn.getLayerName(), i + 2);
      }
      if (prunable != null) {
        layers.add(prunable);
      }
      previous = outputs.get(i);
    }
    return layers;
  }

  /** A convolution as Relief sees it, from its DL4J configuration and its input and output types. */
  static PrunableLayer convLayer(ConvolutionLayer conv, int index, InputType in, InputType out) {
    if (conv.getConvolutionMode() == ConvolutionMode.Same || conv.getConvolutionMode() == ConvolutionMode.Causal) {
      throw new IllegalArgumentException("layer " + conv.getLayerName() + ": only explicit symmetric padding is supported");
    }
    int[] dilation = conv.getDilation();
    if (dilation[0] != 1 || dilation[1] != 1) {
      throw new IllegalArgumentException("layer " + conv.getLayerName() + ": dilated convolutions are not supported");
    }
    InputType.InputTypeConvolutional ti = (InputType.InputTypeConvolutional) in;
    InputType.InputTypeConvolutional to = (InputType.InputTypeConvolutional) out;
    int[] k = conv.getKernelSize();
    int[] s = conv.getStride();
    int[] p = conv.getPadding();
    PrunableLayer layer = new PrunableLayer(conv.getLayerName(), LayerKind.CONV, index, (int) conv.getNOut(),
        (int) conv.getNIn(), k[0], k[1], s[0], s[1], p[0], p[1], (int) ti.getHeight(), (int) ti.getWidth(),
        (int) to.getHeight(), (int) to.getWidth(), false);
    return conv.hasBias() ? layer : layer.withoutBias();
  }
}

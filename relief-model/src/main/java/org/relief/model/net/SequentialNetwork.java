package org.relief.model.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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

  private SequentialNetwork(NetworkSpec spec, MultiLayerNetwork net) {
    this.spec = spec;
    this.net = net;
    this.topology = NetworkTopology.chain(prunableLayers(spec, net.getLayerWiseConfigurations()));
    this.layout = probeLayout(net, topology);
  }

  /** Builds a network from its configuration and initialises it from the spec's seed alone (see {@link #initialise}). */
  static SequentialNetwork create(NetworkSpec spec, MultiLayerConfiguration conf) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    SequentialNetwork network = new SequentialNetwork(spec, net);
    network.initialise();
    return network;
  }

  /** Wraps a DL4J network built from {@code spec}'s architecture (e.g. with a training updater). */
  public static SequentialNetwork wrap(NetworkSpec spec, MultiLayerNetwork net) {
    return new SequentialNetwork(spec, net);
  }

  /** The DL4J network, for training and saving. Changes to it are visible here. */
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
    float[] out = new float[Math.toIntExact(layout.numParams())];
    paramBuffer().get(out);
    return out;
  }

  @Override
  public void setParams(float[] params) {
    if (params.length != layout.numParams()) {
      throw new IllegalArgumentException("expected " + layout.numParams() + " parameters, got " + params.length);
    }
    paramBuffer().put(params);
  }

  @Override
  public float[] weights(String layer) {
    ParamLayout.Segments s = layout.of(layer);
    return segment(s.weightOffset(), s.weightCount()).toFloatVector();
  }

  @Override
  public float[] biases(String layer) {
    ParamLayout.Segments s = layout.of(layer);
    return segment(s.biasOffset(), s.biasCount()).toFloatVector();
  }

  @Override
  public void setLayer(String layer, float[] weights, float[] biases) {
    ParamLayout.Segments s = layout.of(layer);
    if (weights.length != s.weightCount() || biases.length != s.biasCount()) {
      throw new IllegalArgumentException("layer " + layer + " has " + s.weightCount() + " weights and "
          + s.biasCount() + " biases, got " + weights.length + " and " + biases.length);
    }
    segment(s.weightOffset(), s.weightCount()).assign(Nd4j.createFromArray(weights));
    segment(s.biasOffset(), s.biasCount()).assign(Nd4j.createFromArray(biases));
  }

  @Override
  public Map<String, LayerIO> forward(INDArray batch, Collection<String> layers) {
    int last = -1;
    for (String name : layers) {
      last = Math.max(last, topology.layer(name).activationIndex());
    }
    Map<String, LayerIO> result = new LinkedHashMap<>();
    if (last < 0) {
      return result;
    }
    // activations.get(i) is what layer i received (before its preprocessor), get(i + 1) its output
    List<INDArray> activations = net.feedForwardToLayer(last, batch, false);
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
  }

  @Override
  public INDArray output(INDArray batch) {
    return net.output(batch, false);
  }

  /** The flat parameters as a buffer over DL4J's own memory (memcpy-speed reads and writes). */
  private java.nio.FloatBuffer paramBuffer() {
    INDArray p = flatParams();
    if (p.offset() != 0 || p.elementWiseStride() != 1 || p.dataType() != DataType.FLOAT) {
      throw new IllegalStateException("DL4J's flat parameters are not one contiguous float buffer");
    }
    java.nio.FloatBuffer buffer = p.data().asNioFloat();
    buffer.limit(Math.toIntExact(p.length()));
    return buffer;
  }

  private INDArray flatParams() {
    INDArray p = net.params();
    return p.rank() == 1 ? p : p.reshape(p.length());
  }

  private INDArray segment(long offset, long count) {
    return flatParams().get(NDArrayIndex.interval(offset, offset + count));
  }

  /**
   * The reference's initialisation (models.py): weights Kaiming-normal, N(0, 2/fan-in), as
   * PyTorch's {@code kaiming_normal_} (DL4J's {@code WeightInit.RELU} means the same); biases
   * PyTorch's default, U(−1/√fan-in, 1/√fan-in). Drawn here from a {@link Random} seeded by the
   * spec and the layer: DL4J's own initialisation does not follow the configuration's seed
   * reproducibly (two builds in one JVM differed), and a seed must fix the initialisation.
   */
  private void initialise() {
    for (PrunableLayer layer : topology.layers()) {
      Random random = new Random(spec.seed() * 1_000_003L + 31L * layer.networkIndex() + 17);
      double std = Math.sqrt(2.0 / layer.fanIn());
      float[] w = new float[Math.toIntExact(layer.weightCount())];
      for (int k = 0; k < w.length; k++) {
        w[k] = (float) (random.nextGaussian() * std);
      }
      double bound = 1.0 / Math.sqrt(layer.fanIn());
      float[] b = new float[layer.outputs()];
      for (int j = 0; j < b.length; j++) {
        b[j] = (float) ((random.nextDouble() * 2 - 1) * bound);
      }
      setLayer(layer.name(), w, b);
    }
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
      if (layer.getClass() == ConvolutionLayer.class) {
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

  private static PrunableLayer convLayer(ConvolutionLayer conv, int index, InputType in, InputType out) {
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
    return new PrunableLayer(conv.getLayerName(), LayerKind.CONV, index, (int) conv.getNOut(), (int) conv.getNIn(),
        k[0], k[1], s[0], s[1], p[0], p[1], (int) ti.getHeight(), (int) ti.getWidth(),
        (int) to.getHeight(), (int) to.getWidth(), false);
  }

  /**
   * Finds each prunable layer's weight and bias segments in the flat parameter vector by
   * writing 0, 1, 2, … into the layer's parameters and reading them back through DL4J's own
   * views, and checks that the weights come out in canonical order.
   */
  private static ParamLayout probeLayout(MultiLayerNetwork net, NetworkTopology topology) {
    Map<String, ParamLayout.Segments> segments = new LinkedHashMap<>();
    Map<String, long[]> batchNorms = new LinkedHashMap<>();
    long offset = 0;
    for (int i = 0; i < net.getnLayers(); i++) {
      org.deeplearning4j.nn.api.Layer layer = net.getLayer(i);
      long n = layer.numParams();
      String name = layer.conf().getLayer().getLayerName();
      if (topology.hasLayer(name)) {
        if (n >= (1 << 24)) {
          throw new IllegalStateException("layer " + name + " has " + n + " parameters; probing needs < 2^24");
        }
        INDArray view = layer.params();
        INDArray saved = view.dup();
        view.assign(Nd4j.arange(n).castTo(DataType.FLOAT).reshape(view.shape()));
        INDArray w = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray canonical = topology.layer(name).isConv() ? w : w.transpose();
        float[] weights = Nd4j.toFlattened('c', canonical).toFloatVector();
        float[] biases = layer.getParam(DefaultParamInitializer.BIAS_KEY).toFloatVector();
        checkConsecutive(name, "weights", weights);
        checkConsecutive(name, "biases", biases);
        segments.put(name, new ParamLayout.Segments(offset + (long) weights[0], weights.length,
            offset + (long) biases[0], biases.length));
        view.assign(saved);
      } else if (layer.conf().getLayer() instanceof BatchNormalization) {
        batchNorms.put(name, batchNormOffsets(layer, offset));
      }
      offset += n;
    }
    for (PrunableLayer p : topology.layers()) {
      if (p.hasBatchNorm()) {
        ParamLayout.Segments s = segments.get(p.name());
        segments.put(p.name(), new ParamLayout.Segments(s.weightOffset(), s.weightCount(), s.biasOffset(), s.biasCount(),
            batchNorms.get(p.batchNorm())));
      }
    }
    return new ParamLayout(offset, segments);
  }

  /** Where a BatchNorm layer keeps gamma, beta, mean and variance, probed like weights. */
  private static long[] batchNormOffsets(org.deeplearning4j.nn.api.Layer layer, long layerOffset) {
    INDArray view = layer.params();
    INDArray saved = view.dup();
    view.assign(Nd4j.arange(view.length()).castTo(DataType.FLOAT).reshape(view.shape()));
    long[] offsets = new long[4];
    String[] keys = {BatchNormalizationParamInitializer.GAMMA, BatchNormalizationParamInitializer.BETA,
        BatchNormalizationParamInitializer.GLOBAL_MEAN, BatchNormalizationParamInitializer.GLOBAL_VAR};
    String name = layer.conf().getLayer().getLayerName();
    for (int k = 0; k < keys.length; k++) {
      INDArray p = layer.getParam(keys[k]);
      if (p == null) {
        throw new IllegalStateException("BatchNorm " + name + " has no parameter " + keys[k] + " (use useLogStd(false))");
      }
      float[] probe = p.toFloatVector();
      checkConsecutive(name, keys[k], probe);
      offsets[k] = layerOffset + (long) probe[0];
    }
    view.assign(saved);
    return offsets;
  }

  private static void checkConsecutive(String layer, String what, float[] probe) {
    for (int k = 1; k < probe.length; k++) {
      if (probe[k] != probe[0] + k) {
        throw new IllegalStateException("DL4J stores the " + what + " of layer " + layer
            + " in an order Relief does not expect (entry " + k + ")");
      }
    }
  }
}

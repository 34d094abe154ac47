package org.relief.model.net;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.relief.model.ReliefInputException;
import org.relief.model.config.Identified;

/**
 * The networks Relief knows, built as in the paper's reference code (adekhovich/NNrelief,
 * {@code models.py}): ReLU hidden layers, softmax output, Kaiming-normal weights (DL4J's
 * {@link WeightInit#RELU}) and PyTorch's default biases, uniform in ±1/√fan-in.
 *
 * <p>Layer names follow the reference's parameter names ({@code fc1}, {@code conv1}, …) so
 * that fixtures, masks and reports line up with it.
 */
public enum Architecture implements Identified {
  /** LeNet-300-100: 784-300-100-10, fully connected. */
  LENET_300_100("lenet300-100", true, 1, 28, 28) {
    @Override
    List<Layer> layers(NetworkSpec spec) {
      return List.of(
          dense("fc1", spec.inputVolume(), 300),
          dense("fc2", 300, 100),
          output("fc3", 100, spec.classes()));
    }
  },

  /** LeNet-5, Caffe variant: conv 20@5×5, max-pool 2, conv 50@5×5, max-pool 2, dense 500, output. */
  LENET5("lenet5", false, 1, 28, 28) {
    @Override
    List<Layer> layers(NetworkSpec spec) {
      return List.of(
          conv("conv1", spec.channels(), 20, 5, 1, 0),
          maxPool("pool1", 2),
          conv("conv2", 20, 50, 5, 1, 0),
          maxPool("pool2", 2),
          dense("fc1", 50 * 4 * 4, 500),
          output("fc2", 500, spec.classes()));
    }
  },

  /** The paper's VGG-like: VGG-16's convolutions, one 512-unit hidden dense layer. */
  VGG_LIKE("vgg-like", new int[] {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0}, 1),
  VGG11("vgg11", new int[] {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0}, 2),
  VGG13("vgg13", new int[] {64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0}, 2),
  VGG16("vgg16", new int[] {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0}, 2),
  VGG19("vgg19", new int[] {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0}, 2),

  /** CIFAR ResNets (He et al. 2016, option A), as the reference builds them: 3 stages of 16/32/64 channels. */
  RESNET20("resnet20", new int[] {3, 3, 3}, new int[] {16, 32, 64}),
  RESNET32("resnet32", new int[] {5, 5, 5}, new int[] {16, 32, 64}),
  RESNET44("resnet44", new int[] {7, 7, 7}, new int[] {16, 32, 64}),
  RESNET56("resnet56", new int[] {9, 9, 9}, new int[] {16, 32, 64}),
  RESNET110("resnet110", new int[] {18, 18, 18}, new int[] {16, 32, 64}),
  /**
   * ResNet-18-style for Tiny-ImageNet: 4 stages of 2 basic blocks, 64/128/256/512 channels, a
   * 3×3 stride-1 stem without max-pool (the CIFAR form, so a 64×64 image ends as 8×8 before
   * pooling), option-A shortcuts so the residual rule applies to every block.
   */
  RESNET18("resnet18", new int[] {2, 2, 2, 2}, new int[] {64, 128, 256, 512});

  /** A VGG in the reference's CIFAR form; {@code cfg} lists filter counts, 0 = 2×2 max-pool. */
  Architecture(String id, int[] cfg, int hiddenDense) {
    this(id, false, 3, 0, 0);
    this.vgg = cfg.clone();
    this.hiddenDense = hiddenDense;
  }

  /** A ResNet: basic blocks per stage and channels per stage. */
  Architecture(String id, int[] blocks, int[] widths) {
    this(id, false, 3, 0, 0);
    this.resnetBlocks = blocks.clone();
    this.resnetWidths = widths.clone();
  }

  private int[] vgg;
  private int hiddenDense;
  private int[] resnetBlocks;
  private int[] resnetWidths;

  /**
   * The reference's VGG (models.py, CIFAR form): per cfg entry a 3×3 convolution with bias and
   * padding 1, BatchNorm, ReLU, or a 2×2 max-pool; then the classifier: dropout 0.5 before each
   * dense layer, {@code hiddenDense} hidden layers of 512 ReLU units, the output layer. Layer
   * names are PyTorch's indices ({@code features.0}, {@code features.1} its BatchNorm, …,
   * {@code classifier.1}), so fixtures and masks line up. Inputs of any size divisible by 32:
   * the first dense layer reads 512·(H/32)·(W/32) features (2048 on 64×64 Tiny-ImageNet).
   */
  private List<Layer> vggLayers(NetworkSpec spec) {
    List<Layer> layers = new ArrayList<>();
    int in = spec.channels();
    int index = 0;
    for (int filters : vgg) {
      if (filters == 0) {
        layers.add(maxPool("features." + index, 2));
        index += 1;
      } else {
        layers.add(new ConvolutionLayer.Builder(3, 3).name("features." + index).nIn(in).nOut(filters)
            .stride(1, 1).padding(1, 1).activation(Activation.IDENTITY).build());
        layers.add(new BatchNormalization.Builder().name("features." + (index + 1)).nOut(filters)
            .eps(1e-5).decay(0.9).useLogStd(false).build());
        layers.add(new ActivationLayer.Builder().name("features." + (index + 2)).activation(Activation.RELU).build());
        in = filters;
        index += 3;
      }
    }
    int features = 512 * (spec.height() / 32) * (spec.width() / 32);
    int k = 1;
    for (int h = 0; h < hiddenDense; h++) {
      layers.add(new DenseLayer.Builder().name("classifier." + k).nIn(h == 0 ? features : 512).nOut(512)
          .dropOut(0.5).activation(Activation.RELU).build());
      k += 3;
    }
    layers.add(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("classifier." + (hiddenDense == 1 ? 3 : 6))
        .nIn(hiddenDense == 0 ? features : 512).nOut(spec.classes()).activation(Activation.SOFTMAX).build());
    return layers;
  }

  private final String id;
  private final boolean flatInput;
  private final int channels;
  private final int height;
  private final int width;

  Architecture(String id, boolean flatInput, int channels, int height, int width) {
    this.id = id;
    this.flatInput = flatInput;
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  /** The DL4J layers in order, for the given input and class count. */
  List<Layer> layers(NetworkSpec spec) {
    if (vgg == null) {
      throw new IllegalStateException(id + " defines no layers");
    }
    return vggLayers(spec);
  }

  /** The name used in config files and on the command line, e.g. {@code lenet300-100}. */
  @Override
  public String id() {
    return id;
  }

  /** True if the network takes each example as one flat vector rather than a C×H×W map. */
  public boolean flatInput() {
    return flatInput;
  }

  /** Channels of the inputs this network takes: 1 for the LeNets, 3 for VGGs and ResNets. */
  public int inputChannels() {
    return channels;
  }

  /** True for networks with residual blocks, built as a DL4J ComputationGraph. */
  public boolean graph() {
    return resnetBlocks != null;
  }

  /** How much the input sides must divide by: 32 for VGGs (5 max-pools), 2^(stages−1) for ResNets. */
  private int sideDivisor() {
    return vgg != null ? 32 : 1 << (resnetBlocks.length - 1);
  }

  /** Looks an architecture up by its {@link #id()}; the error lists the known ones. */
  public static Architecture fromId(String id) {
    return Identified.parse(values(), id, "architecture");
  }

  /**
   * Refuses an input this architecture was not built for, naming both shapes (e.g. LeNet-5 on
   * 3-channel CIFAR images). LeNets take exactly 1×28×28; VGGs 3 channels and sides divisible by
   * 32; ResNets 3 channels and sides divisible by 2 per stride-2 stage.
   */
  public void checkInput(int c, int h, int w, String source) {
    boolean fixed = vgg == null && resnetBlocks == null;
    int d = fixed ? 1 : sideDivisor();
    boolean ok = fixed
        ? c == channels && h == height && w == width
        : c == channels && h >= d && w >= d && h % d == 0 && w % d == 0;
    if (!ok) {
      String takes = fixed ? channels + "x" + height + "x" + width : channels + "xHxW (H, W multiples of " + d + ")";
      throw new ReliefInputException("architecture " + id + " takes " + takes + " inputs, but " + source + " has "
          + c + "x" + h + "x" + w + " examples");
    }
  }

  /**
   * The DL4J configuration with the given updater and L2 weight decay on weights and biases
   * (0 for none): {@code wd·p} is added to each gradient before the updater, as PyTorch's
   * {@code weight_decay} does.
   */
  public MultiLayerConfiguration configuration(NetworkSpec spec, IUpdater updater, double l2) {
    return configuration(spec, updater, l2, false);
  }

  /**
   * @param training the layers in their training forms ({@link #trainingFormOf}; a network to
   *     train, not to save)
   */
  private MultiLayerConfiguration configuration(NetworkSpec spec, IUpdater updater, double l2, boolean training) {
    checkInput(spec.channels(), spec.height(), spec.width(), "the network spec");
    if (graph()) {
      throw new IllegalStateException(id + " is a graph; use graphConfiguration");
    }
    NeuralNetConfiguration.ListBuilder list = trainingDefaults(spec, updater, l2).list();
    List<Layer> layers = layers(spec);
    InputType input = flatInput
        ? InputType.feedForward(spec.inputVolume())
        : InputType.convolutional(spec.height(), spec.width(), spec.channels());
    InputType in = input;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Layer used = training ? trainingFormOf(layer, i, in) : layer;
      list.layer(used);
      in = mapsAfter(layer, in);
    }
    return list.setInputType(input).build();
  }

  /**
   * The maps {@code layer} outputs from maps {@code in}, as long as the chain is still
   * convolutions, pooling, BatchNorm and activations with explicit padding; else null. (DL4J's
   * own {@code getOutputType} needs the global defaults applied first.)
   */
  private static InputType mapsAfter(Layer layer, InputType in) {
    if (!(in instanceof InputType.InputTypeConvolutional maps)) {
      return null;
    }
    if (layer instanceof BatchNormalization || layer instanceof ActivationLayer) {
      return in;
    }
    int[] k;
    int[] s;
    int[] p;
    long channels;
    if (layer instanceof ConvolutionLayer c && c.getConvolutionMode() != ConvolutionMode.Same) {
      k = c.getKernelSize();
      s = c.getStride();
      p = c.getPadding();
      channels = c.getNOut();
    } else if (layer instanceof SubsamplingLayer sub && sub.getConvolutionMode() != ConvolutionMode.Same) {
      k = sub.getKernelSize();
      s = sub.getStride();
      p = sub.getPadding();
      channels = maps.getChannels();
    } else {
      return null;
    }
    long h = (maps.getHeight() + 2L * p[0] - k[0]) / s[0] + 1;
    long w = (maps.getWidth() + 2L * p[1] - k[1]) / s[1] + 1;
    return h >= 1 && w >= 1 ? InputType.convolutional(h, w, channels) : null;
  }

  /**
   * The form of {@code layer} a network built to train uses: the first convolution an {@link
   * InputConvolution}, a convolution that sees its whole input map from every output position
   * a {@link WholeMapConvolution}, any other a {@link TrainingConvolution}, ReLU layers {@link
   * TrainingRelu}.
   */
  private static Layer trainingFormOf(Layer layer, int index, InputType in) {
    if (layer.getClass() == ConvolutionLayer.class) {
      ConvolutionLayer c = (ConvolutionLayer) layer;
      if (index == 0) {
        return InputConvolution.of(c);
      }
      return in != null && WholeMapConvolution.covers(c, in) ? WholeMapConvolution.of(c) : TrainingConvolution.of(c);
    }
    return TrainingRelu.trainingFormOf(layer);
  }

  /**
   * What every Relief network, chain or graph, is trained with: float32, the spec's seed, the
   * updater, L2 weight decay on weights and biases alike (PyTorch's {@code weight_decay}), and
   * DL4J's forward cache.
   */
  static NeuralNetConfiguration.Builder trainingDefaults(NetworkSpec spec, IUpdater updater, double l2) {
    return new NeuralNetConfiguration.Builder()
        .seed(spec.seed())
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.RELU)
        .updater(updater)
        .l2(l2)
        .l2Bias(l2)
        // keeps each convolution's pre-activation from the forward pass for its backward pass,
        // which otherwise runs the convolution again (8.6 % of a LeNet-5 epoch; BENCHMARKS.md)
        .cacheMode(CacheMode.DEVICE);
  }

  /** The DL4J graph configuration of a ResNet, with updater and weight decay as {@link #configuration}. */
  public ComputationGraphConfiguration graphConfiguration(NetworkSpec spec, IUpdater updater, double l2) {
    return graphConfiguration(spec, updater, l2, NetworkForm.SAVED);
  }

  private ComputationGraphConfiguration graphConfiguration(NetworkSpec spec, IUpdater updater, double l2,
      NetworkForm form) {
    checkInput(spec.channels(), spec.height(), spec.width(), "the network spec");
    if (!graph()) {
      throw new IllegalStateException(id + " is a chain; use configuration");
    }
    return ResNetConfiguration.of(spec, resnetBlocks, resnetWidths, updater, l2, form);
  }

  /** A freshly initialised network; same spec, same weights. */
  public ReliefNetwork build(NetworkSpec spec) {
    OneDnnHelpers.enable();
    if (graph()) {
      GraphNetwork network = GraphNetwork.create(spec, graphConfiguration(spec, new NoOp(), 0.0));
      return spec.float64() ? network.inFloat64() : network;
    }
    SequentialNetwork network = SequentialNetwork.create(spec, configuration(spec, new NoOp(), 0.0));
    return spec.float64() ? network.inFloat64() : network;
  }

  /**
   * A network ready to train: DL4J's with {@code updater} and weight decay {@code l2},
   * its parameters set to {@code params} (the flat layout of {@link #build}), its first
   * convolution an {@link InputConvolution}, convolutions on maps their kernels cover whole
   * {@link WholeMapConvolution}s (chains only), its ReLU layers {@link TrainingRelu}, its
   * BatchNorm layers on {@link TrainingBatchNorm}.
   */
  public ReliefNetwork trainable(NetworkSpec spec, IUpdater updater, double l2, float[] params) {
    return inForm(spec, updater, l2, params, NetworkForm.TRAINING);
  }

  /**
   * A freshly initialised network (same spec, same weights as {@link #build}) for a pruning
   * step's forward passes: in float32 {@link NetworkForm#STATISTICS}, Relief's training layers
   * in inference mode; in float64 DL4J's own layers, the only ones that run in it.
   */
  public ReliefNetwork buildForStatistics(NetworkSpec spec) {
    ReliefNetwork saved = build(spec);
    return spec.float64() ? saved : inForm(spec, new NoOp(), 0.0, saved.params(), NetworkForm.STATISTICS);
  }

  private ReliefNetwork inForm(NetworkSpec spec, IUpdater updater, double l2, float[] params, NetworkForm form) {
    OneDnnHelpers.enable();
    org.nd4j.linalg.api.ndarray.INDArray flat = org.nd4j.linalg.factory.Nd4j.createFromArray(params).reshape(1, params.length);
    if (graph()) {
      org.deeplearning4j.nn.graph.ComputationGraph g = new org.deeplearning4j.nn.graph.ComputationGraph(
          graphConfiguration(spec, updater, l2, form));
      g.init(flat, false);
      TrainingBatchNorm.install(g);
      return spec.wrap(g);
    }
    org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
        configuration(spec, updater, l2, true));
    net.init(flat, false);
    TrainingBatchNorm.install(net);
    return spec.wrap(net);
  }

  private static Layer dense(String name, int in, int out) {
    return new DenseLayer.Builder().name(name).nIn(in).nOut(out).activation(Activation.RELU).build();
  }

  private static Layer output(String name, int in, int classes) {
    return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
        .name(name).nIn(in).nOut(classes).activation(Activation.SOFTMAX).build();
  }

  private static Layer conv(String name, int in, int out, int kernel, int stride, int pad) {
    return new ConvolutionLayer.Builder(kernel, kernel)
        .name(name).nIn(in).nOut(out).stride(stride, stride).padding(pad, pad)
        .activation(Activation.RELU).build();
  }

  private static Layer maxPool(String name, int size) {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .name(name).kernelSize(size, size).stride(size, size).build();
  }
}

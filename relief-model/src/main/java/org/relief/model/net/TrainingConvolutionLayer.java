package org.relief.model.net;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link TrainingConvolution} at work, in two ways DL4J's layer is slow.
 *
 * <p>The convolution itself runs on Relief's own oneDNN primitives ({@link
 * ConvolutionPrimitives}), made once per input shape, where libnd4j's oneDNN call describes,
 * chooses and reorders afresh on every call: on VGG-like's convolutions its primitives alone
 * took ~1.9× as long as these (884 against 471 ms a step; BENCHMARKS.md, issue 8). DL4J's path
 * remains for what the primitives do not cover (input-dependent "same" padding, dilation, NHWC,
 * non-float) and when {@link OneDnn#available()} is false.
 *
 * <p>With DL4J's forward cache (which Relief's training networks use so that the backward pass
 * does not run the convolution again), DL4J's layer copies its pre-activation into the cache
 * workspace on every training forward pass. Without an activation function (every ResNet and
 * VGG convolution: BatchNorm follows) the pre-activation is the layer's output, which the network
 * keeps for the backward pass anyway, and the identity's backward pass never reads it: here the
 * cache holds that output itself. The copy was 4 % of a ResNet-20 epoch (JFR, BENCHMARKS.md).
 */
class TrainingConvolutionLayer extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  /** The primitives for the input shape seen last, and for the one before. */
  private transient ConvolutionPrimitives primitives;
  private transient ConvolutionPrimitives previous;
  /** The input {@link #primitives} last ran forward on, whose reordered copy the weight gradient may reuse. */
  private transient INDArray forwardInput;
  /** oneDNN could not make this layer's primitives (logged once). */
  private transient boolean primitivesFailed;

  TrainingConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    if (!(layerConf().getActivationFn() instanceof ActivationIdentity)) {
      return super.activate(training, workspaceMgr);
    }
    if (input == null) {
      throw new IllegalArgumentException("Cannot perform forward pass with null input " + layerId());
    }
    applyDropOutIfNecessary(training, workspaceMgr);
    INDArray z = preOutput(training, false, workspaceMgr).getFirst();
    if (training && cacheMode != null && cacheMode != CacheMode.NONE) {
      preOutput = z; // what preOutput4d(…, forBackprop) hands the backward pass instead of running the convolution again
    }
    return z;
  }

  @Override
  protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
    if (forBackprop && preOutput != null) {
      return new Pair<>(preOutput, null); // kept by activate() in training (DL4J's forward cache)
    }
    assertInputSet(false);
    ConvolutionPrimitives p = runsOwnPrimitives() ? primitivesFor(input) : null;
    if (p == null) {
      requirePlanar();
      return super.preOutput(training, forBackprop, workspaceMgr);
    }
    validateInputRank();
    INDArray x = packedFloat(input);
    ConvolutionPrimitives.Shape s = p.shape();
    INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
        new long[] {s.n(), s.filters(), s.outH(), s.outW()}, 'c');
    INDArray w = packedFloat(getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr));
    INDArray b = s.bias() ? packedFloat(getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr)) : null;
    p.forward(x, w, b, z);
    forwardInput = input;
    return new Pair<>(z, null);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    ConvolutionPrimitives p = runsOwnPrimitives() ? primitivesFor(input) : null;
    if (p == null) {
      requirePlanar();
      return super.backpropGradient(epsilon, workspaceMgr);
    }
    INDArray z = preOutput4d(true, true, workspaceMgr).getFirst();
    INDArray delta = layerConf().getActivationFn() instanceof ActivationIdentity
        ? packedFloat(epsilon)
        : packedFloat(layerConf().getActivationFn().backprop(z, epsilon.castTo(DataType.FLOAT)).getFirst());
    INDArray x = packedFloat(input);
    INDArray w = packedFloat(getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr));
    INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
    p.backwardData(delta, w, inputGrad);

    Gradient gradient = weightGradients(p, x, delta, true);
    return new Pair<>(gradient, backpropDropOutIfPresent(inputGrad));
  }

  /**
   * ∂L/∂W and ∂L/∂b into the layer's gradient views, from its input {@code x} (packed float) and
   * δ = ∂L/∂z; {@code deltaRead}: {@link ConvolutionPrimitives#backwardData} has just read δ.
   */
  Gradient weightGradients(ConvolutionPrimitives p, INDArray x, INDArray delta, boolean deltaRead) {
    INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY); // [F, C, kh, kw], c order
    INDArray biasGrad = layerConf().hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
    p.backwardWeights(x, input == forwardInput, delta, deltaRead, weightGrad, biasGrad);
    Gradient gradient = new DefaultGradient();
    if (biasGrad != null) {
      gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
    }
    gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
    weightNoiseParams.clear();
    return gradient;
  }

  /** DL4J's convolution, where the primitives do not run, reads and writes only NCHW. */
  void requirePlanar() {
    ActivationLayout[] layouts = layouts();
    if (layouts[0] != ActivationLayout.PLANAR || layouts[1] != ActivationLayout.PLANAR) {
      throw new IllegalStateException("layer " + layerId() + " keeps its activations in channel blocks, which only"
          + " Relief's oneDNN primitives read, and those do not run here (oneDNN missing or failed, or not float)");
    }
  }

  /** How the input and the output lie in their buffers ({@link TrainingConvolution}; DL4J's own layer: NCHW). */
  ActivationLayout[] layouts() {
    return conf.getLayer() instanceof TrainingConvolution t
        ? new ActivationLayout[] {t.getInputLayout(), t.getOutputLayout()}
        : new ActivationLayout[] {ActivationLayout.PLANAR, ActivationLayout.PLANAR};
  }

  /**
   * Whether this layer's convolution runs on {@link ConvolutionPrimitives}: oneDNN loaded,
   * NCHW, float, explicit padding, no dilation.
   */
  boolean runsOwnPrimitives() {
    org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
    return !primitivesFailed && OneDnn.available() && dataType == DataType.FLOAT && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
        && convolutionMode != ConvolutionMode.Same && convolutionMode != ConvolutionMode.Causal
        && c.getDilation()[0] == 1 && c.getDilation()[1] == 1;
  }

  /**
   * The primitives for {@code x}, or null (DL4J's path from then on) if oneDNN has no
   * implementation for this layer on this CPU.
   */
  ConvolutionPrimitives primitivesFor(INDArray x) {
    try {
      return primitives(x);
    } catch (IllegalStateException e) {
      primitivesFailed = true;
      org.slf4j.LoggerFactory.getLogger(TrainingConvolutionLayer.class).warn(
          "{} trains on DL4J's convolution: {}", layerId(), e.getMessage());
      return null;
    }
  }

  /**
   * The primitives for {@code x}'s shape: those of the last two shapes are kept (an epoch's full
   * batches and its last one), made anew for another shape, which frees the older of the two.
   */
  ConvolutionPrimitives primitives(INDArray x) {
    org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
    int[] k = c.getKernelSize();
    int[] st = c.getStride();
    int[] pad = c.getPadding();
    long h = x.size(2);
    long w = x.size(3);
    ActivationLayout[] layouts = layouts();
    ConvolutionPrimitives.Shape shape = new ConvolutionPrimitives.Shape(x.size(0), c.getNIn(), h, w, c.getNOut(),
        k[0], k[1], st[0], st[1], pad[0], pad[1], (h + 2L * pad[0] - k[0]) / st[0] + 1,
        (w + 2L * pad[1] - k[1]) / st[1] + 1, c.hasBias(), layouts[0], layouts[1]);
    if (x.size(1) != c.getNIn()) {
      throw new IllegalArgumentException("layer " + layerId() + " expects " + c.getNIn() + " input channels, got "
          + x.size(1));
    }
    if (primitives != null && primitives.shape().equals(shape)) {
      return primitives;
    }
    // two shapes are common (full batches and an epoch's last, shorter one): keep both
    ConvolutionPrimitives made = previous != null && previous.shape().equals(shape) ? previous : null;
    if (made == null) {
      if (previous != null) {
        previous.close();
      }
      made = new ConvolutionPrimitives(shape);
    }
    previous = primitives;
    primitives = made;
    forwardInput = null;
    return primitives;
  }

  /** {@code a} as a packed float32 c-order array: itself when it is one, else a copy. */
  static INDArray packedFloat(INDArray a) {
    INDArray f = a.castTo(DataType.FLOAT);
    return ChannelPlanes.isFloatRun(f) ? f : f.dup('c');
  }
}

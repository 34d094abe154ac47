package org.relief.model.net;

import java.lang.reflect.Field;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BatchNorm as Relief trains it: the batch moments, the forward pass and the backward pass of
 * {@link BatchNormPasses} (on the Vector API where the JVM has it), instead of
 * ND4J's axis reductions, libnd4j's oneDNN {@code batchnorm} op and its {@code batchnorm_bp}
 * (together ~38 % of a ResNet-20 training step, before these). Installed in
 * networks built to train ({@link #install}); float NCHW or rank-2 input, anything else falls
 * back to DL4J's own path.
 */
public final class TrainingBatchNorm implements BatchNormalizationHelper {
  private static final BatchNormPasses PASSES = BatchNormPasses.fastest();
  /** Whether the layer's output is ReLU of BatchNorm's ({@link TrainingBatchNormRelu}). */
  private final boolean rectify;
  /** How the layer's input and output lie in their buffers (DL4J's format says NCHW either way). */
  private final ActivationLayout layout;
  /** The last training batch's moments, as the forward pass used them, and as arrays for DL4J. */
  private ChannelMoments.Moments moments;
  private INDArray batchMean;
  private INDArray batchVariance;

  /**
   * Replaces DL4J's oneDNN BatchNorm helper in every BatchNorm layer of {@code model} that has
   * one (none when the natives lack oneDNN or helpers are off). For networks that train: the
   * trainable ones of {@link Architecture#trainable}, the compact ones retrained in their place,
   * and Spark workers' copies (a training hook in relief-spark). DL4J picks the helper by class
   * name in a package-private method, so the field is set directly; if a DL4J version renames
   * it, the layers keep DL4J's helper.
   */
  public static void install(Model model) {
    Layer[] layers = model instanceof ComputationGraph g ? g.getLayers()
        : model instanceof MultiLayerNetwork m ? m.getLayers() : new Layer[0];
    for (Layer layer : layers) {
      if (layer instanceof BatchNormalization bn && bn.getHelper() instanceof MKLDNNBatchNormHelper
          && !setHelper(bn, new TrainingBatchNorm(false, ActivationLayout.PLANAR))) {
        return;
      }
    }
  }

  /** Sets {@code bn}'s helper (a package-private field of DL4J's layer); false if this DL4J version has no such field. */
  static boolean setHelper(BatchNormalization bn, TrainingBatchNorm helper) {
    try {
      Field field = BatchNormalization.class.getDeclaredField("helper");
      field.setAccessible(true);
      field.set(bn, helper);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /**
   * @param rectify the layer's output is ReLU of BatchNorm's, and its gradient is gated by it
   * @param layout how the layer's activations lie; in {@link ActivationLayout#CHANNEL_BLOCKS}
   *     this helper must compute every batch, since DL4J's own path reads NCHW
   */
  TrainingBatchNorm(boolean rectify, ActivationLayout layout) {
    this.rectify = rectify;
    this.layout = layout;
  }

  /** Whether this helper computes {@code x}'s BatchNorm (float, NCHW or rank 2); DL4J's own path does the rest. */
  static boolean handles(INDArray x, CNN2DFormat format) {
    return x.dataType() == DataType.FLOAT && (x.rank() == 2 || (x.rank() == 4 && format == CNN2DFormat.NCHW));
  }

  @Override
  public boolean checkSupported() {
    return true;
  }

  @Override
  public boolean checkSupported(double eps, boolean fixedGammaBeta) {
    return !fixedGammaBeta;
  }

  @Override
  public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
      INDArray globalMean, INDArray globalVariance, double decay, double eps, CNN2DFormat format,
      LayerWorkspaceMgr mgr) {
    if (!handles(x, format) || gamma == null || beta == null) {
      requirePlanar("a forward pass");
      return null;
    }
    float[] mean;
    float[] variance;
    if (training) {
      if (batchMean == null || batchMean.length() != x.size(1)) {
        try (MemoryWorkspace none = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
          batchMean = Nd4j.create(DataType.FLOAT, x.size(1));
          batchVariance = Nd4j.create(DataType.FLOAT, x.size(1));
        }
      }
      moments = PASSES.moments(x, layout);
      mean = moments.means();
      variance = moments.variances();
      ArrayValues.write(mean, batchMean);
      ArrayValues.write(variance, batchVariance);
    } else {
      mean = ArrayValues.read(globalMean);
      variance = ArrayValues.read(globalVariance);
    }
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
    PASSES.forward(x, layout, mean, variance, ArrayValues.read(gamma), ArrayValues.read(beta), eps, rectify, out);
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray x, INDArray epsilon, long[] shape, INDArray gamma,
      INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps, CNN2DFormat format, LayerWorkspaceMgr mgr) {
    if (!handles(x, format) || gamma == null || dGammaView == null) {
      requirePlanar("a backward pass");
      return null; // DL4J's own path (a rectified layer gates the gradient for it: TrainingBatchNormReluLayer)
    }
    if (moments == null) {
      if (rectify || layout != ActivationLayout.PLANAR) {
        throw new IllegalStateException("a rectified or channel-blocked BatchNorm's backward pass needs a training"
            + " forward pass first");
      }
      return null;
    }
    INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
    PASSES.backward(x, epsilon, layout, moments, gamma, rectify ? beta : null, eps, dx, dGammaView, dBetaView);
    Gradient g = new DefaultGradient();
    g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
    g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
    return new Pair<>(g, dx);
  }

  /** DL4J's own path, which this helper leaves a batch it does not compute to, reads only NCHW. */
  private void requirePlanar(String what) {
    if (layout != ActivationLayout.PLANAR) {
      throw new IllegalStateException("BatchNorm in " + layout + " cannot leave " + what
          + " to DL4J (float [n, C, H, W] batches and learned gamma and beta only)");
    }
  }

  @Override
  public INDArray getMeanCache(DataType dataType) {
    return batchMean;
  }

  @Override
  public INDArray getVarCache(DataType dataType) {
    return batchVariance;
  }

  @Override
  public Map<String, Long> helperMemoryUse() {
    return Map.of();
  }
}

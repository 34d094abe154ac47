package org.relief.model.net;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The computation of a {@link ShortcutLayer}; NCHW activations. */
final class ShortcutLayerImpl extends BaseLayer<ShortcutLayer> {

  ShortcutLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Type type() {
    return Type.CONVOLUTIONAL;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public boolean hasBias() {
    return false;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    ShortcutLayer c = layerConf();
    long n = input.size(0);
    long h = c.outputSize(input.size(2));
    long w = c.outputSize(input.size(3));
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), new long[] {n, c.getChannelsOut(), h, w}, 'c');
    if (c.getOffset() > 0 || c.getChannelsIn() < c.getChannelsOut()) {
      out.assign(0);
    }
    out.get(channelsOfInput(c)).assign(subsampled(input, c.getStride()));
    return gated(out);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    ShortcutLayer c = layerConf();
    INDArray gatedEpsilon = gates().open() ? epsilon : gated(epsilon.dup());
    INDArray fromInput = gatedEpsilon.get(channelsOfInput(c));
    INDArray epsilonIn = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    if (c.getStride() > 1) {
      epsilonIn.assign(0);
    }
    subsampled(epsilonIn, c.getStride()).assign(fromInput);

    // the gate is a mask, not a learned parameter: its gradient is always 0
    INDArray gateGradient = gradientViews.get(ShortcutGateInitializer.GATE);
    gateGradient.assign(0);
    Gradient gradient = new DefaultGradient();
    gradient.setGradientFor(ShortcutGateInitializer.GATE, gateGradient);
    return new Pair<>(gradient, epsilonIn);
  }

  /**
   * {@code a} times the gate of its channel, in place. Gates are 0/1 masks and nearly always all
   * open: then nothing is done, and a closed gate zeroes its channel's view. ND4J's broadcast
   * multiply along the channel axis, kept for any other value, was 14 % of ResNet-20's forward
   * pass (JFR) with every gate open.
   */
  private INDArray gated(INDArray a) {
    Gates gates = gates();
    if (gates.open()) {
      return a;
    }
    if (gates.binary()) {
      for (int channel = 0; channel < gates.values().length; channel++) {
        if (gates.values()[channel] == 0f) {
          a.get(NDArrayIndex.all(), NDArrayIndex.point(channel), NDArrayIndex.all(), NDArrayIndex.all()).assign(0);
        }
      }
      return a;
    }
    INDArray row = Nd4j.createFromArray(gates.values()).castTo(a.dataType());
    Nd4j.getExecutioner().exec(new BroadcastMulOp(a, row, a, 1));
    return a;
  }

  private record Gates(float[] values) {
    boolean open() {
      for (float g : values) {
        if (g != 1f) {
          return false;
        }
      }
      return true;
    }

    boolean binary() {
      for (float g : values) {
        if (g != 0f && g != 1f) {
          return false;
        }
      }
      return true;
    }
  }

  private Gates gates() {
    return new Gates(getParam(ShortcutGateInitializer.GATE).dup().data().asFloat());
  }

  private static INDArrayIndex[] channelsOfInput(ShortcutLayer c) {
    return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(c.getOffset(), c.getOffset() + c.getChannelsIn()),
        NDArrayIndex.all(), NDArrayIndex.all()};
  }

  /** The view {@code a[:, :, ::stride, ::stride]}. */
  private static INDArray subsampled(INDArray a, int stride) {
    if (stride == 1) {
      return a;
    }
    return a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, stride, a.size(2)),
        NDArrayIndex.interval(0, stride, a.size(3)));
  }
}

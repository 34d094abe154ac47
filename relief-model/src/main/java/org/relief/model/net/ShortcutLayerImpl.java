package org.relief.model.net;

import java.util.stream.IntStream;
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

/**
 * The computation of a {@link ShortcutLayer}; NCHW activations, or channel blocks in networks
 * built to train ({@link ActivationLayout}, {@link ChannelBlockShortcut}). Float NCHW batches go
 * plane by plane in Java, channels in parallel, picking every stride-th pixel and applying the
 * channel's gate in the same pass: ND4J's broadcast multiply for the gates was 14 % of ResNet-20's forward
 * pass (JFR), and after the first pruning step every option-A block has closed gates (its
 * zero-padded channels), which ND4J zeroed one strided channel view at a time: ResNet-20's two
 * option-A shortcuts took 18.6 ms forward and backward at batch 120, now 5.7 (best of 60,
 * BENCHMARKS.md). An identity shortcut with open gates hands its input on where every activation
 * outlives the pass (training, a pruning step's {@link ForwardPass}); elsewhere (DL4J's {@code
 * output}, whose workspaces are reused layer by layer) it stays ND4J's copy, which is faster.
 */
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
    float[] gates = gates();
    if (isIdentity(c, gates) && (training || PassWorkspace.holdsEveryActivation(mgr))) {
      // the block input itself: in training, and in a pruning step's forward pass, every
      // activation lives in one workspace until the pass ends, and the shortcut's readers (the
      // block's add, the residual statistics) only read it
      return mgr.leverageTo(ArrayType.ACTIVATIONS, input);
    }
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), new long[] {n, c.getChannelsOut(), h, w}, 'c');
    if (isIdentity(c, gates)) {
      return out.assign(input);
    }
    if (input.dataType() == DataType.FLOAT && c.getLayout() == ActivationLayout.CHANNEL_BLOCKS) {
      ChannelBlockShortcut.forward(ChannelPlanes.of(input, c.getLayout()), ChannelPlanes.target(out, c.getLayout()),
          (int) input.size(3), (int) w, c.getStride(), c.getOffset(), gates);
      return out;
    }
    if (input.dataType() == DataType.FLOAT) {
      ChannelPlanes from = ChannelPlanes.of(input);
      ChannelPlanes to = ChannelPlanes.target(out);
      int inW = (int) input.size(3);
      // out[s, k] = gate[k] · x[s, k − offset, ::stride, ::stride]; zero outside the input's channels
      IntStream.range(0, c.getChannelsOut()).parallel().forEach(k -> {
        int j = k - c.getOffset();
        boolean silent = j < 0 || j >= c.getChannelsIn() || gates[k] == 0f;
        float[] plane = new float[from.plane()];
        float[] picked = new float[to.plane()];
        for (int s = 0; s < n; s++) {
          if (!silent) {
            from.read(s, j, plane);
            pick(plane, inW, c.getStride(), gates[k], picked, (int) w);
          }
          to.write(s, k, picked);
        }
      });
      return out;
    }
    requirePlanar(c);
    if (c.getOffset() > 0 || c.getChannelsIn() < c.getChannelsOut()) {
      out.assign(0);
    }
    out.get(channelsOfInput(c)).assign(subsampled(input, c.getStride()));
    return gated(out, gates);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    ShortcutLayer c = layerConf();
    INDArray epsilonIn = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    float[] gates = gates();
    if (isIdentity(c, gates)) {
      epsilonIn.assign(epsilon);
    } else if (input.dataType() == DataType.FLOAT && epsilon.dataType() == DataType.FLOAT
        && c.getLayout() == ActivationLayout.CHANNEL_BLOCKS) {
      ChannelBlockShortcut.backward(ChannelPlanes.of(epsilon, c.getLayout()),
          ChannelPlanes.target(epsilonIn, c.getLayout()), (int) input.size(3), (int) epsilon.size(3), c.getStride(),
          c.getOffset(), gates);
    } else if (input.dataType() == DataType.FLOAT && epsilon.dataType() == DataType.FLOAT) {
      ChannelPlanes from = ChannelPlanes.of(epsilon);
      ChannelPlanes to = ChannelPlanes.target(epsilonIn);
      int inW = (int) input.size(3);
      int w = (int) epsilon.size(3);
      // ∂L/∂x[s, j, ::stride, ::stride] = gate[j + offset] · ∂L/∂out[s, j + offset]; zero between
      IntStream.range(0, c.getChannelsIn()).parallel().forEach(j -> {
        int k = j + c.getOffset();
        float[] plane = new float[from.plane()];
        float[] inputPlane = new float[to.plane()]; // the entries between the strided ones stay 0
        for (int s = 0; s < input.size(0); s++) {
          if (gates[k] != 0f) {
            from.read(s, k, plane);
            spread(plane, w, gates[k], c.getStride(), inputPlane, inW);
          }
          to.write(s, j, inputPlane);
        }
      });
    } else {
      requirePlanar(c);
      if (c.getStride() > 1) {
        epsilonIn.assign(0);
      }
      subsampled(epsilonIn, c.getStride()).assign(gated(epsilon.dup(), gates).get(channelsOfInput(c)));
    }

    // the gate is a mask, not a learned parameter: its gradient is always 0
    INDArray gateGradient = gradientViews.get(ShortcutGateInitializer.GATE);
    gateGradient.assign(0);
    Gradient gradient = new DefaultGradient();
    gradient.setGradientFor(ShortcutGateInitializer.GATE, gateGradient);
    return new Pair<>(gradient, epsilonIn);
  }

  /** {@code picked = gate · full[::stride, ::stride]}: {@code full} rows are {@code fullW} wide, {@code picked} rows {@code w}. */
  private static void pick(float[] full, int fullW, int stride, float gate, float[] picked, int w) {
    for (int y = 0; y < picked.length / w; y++) {
      for (int x = 0; x < w; x++) {
        picked[y * w + x] = gate * full[y * stride * fullW + x * stride];
      }
    }
  }

  /** {@code full[::stride, ::stride] = gate · picked}, the other entries of {@code full} untouched. */
  private static void spread(float[] picked, int w, float gate, int stride, float[] full, int fullW) {
    for (int y = 0; y < picked.length / w; y++) {
      for (int x = 0; x < w; x++) {
        full[y * stride * fullW + x * stride] = gate * picked[y * w + x];
      }
    }
  }

  /** ND4J's views below (non-float batches) index NCHW. */
  private void requirePlanar(ShortcutLayer c) {
    if (c.getLayout() != ActivationLayout.PLANAR) {
      throw new IllegalStateException("shortcut " + layerId() + " in " + c.getLayout() + " takes float batches only");
    }
  }

  /** A plain copy, as most blocks' shortcuts are: ND4J's copy is faster than planes through the heap. */
  private static boolean isIdentity(ShortcutLayer c, float[] gates) {
    if (c.getStride() != 1 || c.getOffset() != 0 || c.getChannelsIn() != c.getChannelsOut()) {
      return false;
    }
    for (float g : gates) {
      if (g != 1f) {
        return false;
      }
    }
    return true;
  }

  /** {@code a} times the gate of its channel, in place, with ND4J (non-float batches). */
  private static INDArray gated(INDArray a, float[] gates) {
    INDArray row = Nd4j.createFromArray(gates).castTo(a.dataType());
    Nd4j.getExecutioner().exec(new BroadcastMulOp(a, row, a, 1));
    return a;
  }

  private float[] gates() {
    return getParam(ShortcutGateInitializer.GATE).toFloatVector();
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

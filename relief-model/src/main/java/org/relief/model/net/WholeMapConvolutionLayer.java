package org.relief.model.net;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link WholeMapConvolution} at work: forward z = x·M + b, backward ∂L/∂x = δ·Mᵀ and
 * ∂L/∂Mᵀ = δᵀ·x folded onto the kernels ({@link ConvolutionMatrix}), as three matrix products.
 * Why: on VGG-like's three 512×512 convolutions on 2×2 maps, libnd4j's oneDNN call picks
 * Winograd 4×3 kernels for the backward passes (one 4×4 output tile for a 2×2 map, three
 * quarters of it padding): 34 ms (input gradient) and 45 ms (weight gradient) per 120-image
 * step, against 13 ms for the forward pass; each product here is 6–7 ms (BENCHMARKS.md).
 */
final class WholeMapConvolutionLayer extends TrainingConvolutionLayer {
  private static final long serialVersionUID = 1L;

  private transient ConvolutionMatrix matrix;
  /** The input map's height and width {@link #matrix} was made for. */
  private transient long[] matrixFor;
  /**
   * Inference only: M as last made, outside every workspace, and the kernels it was made from.
   * A pruning step's passes run batch after batch on the same kernels, and making M cost ~10 % of
   * a VGG-like step (a 2048 × 2048 matrix per 512-channel layer and batch).
   */
  private transient INDArray inferenceMatrix;
  private transient ConvolutionMatrix inferenceMatrixOf;
  private transient float[] inferenceKernels;

  WholeMapConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
    helper = null; // DL4J's oneDNN helper would also take over activate(); nothing here uses it
  }

  @Override
  protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    if (forBackprop && preOutput != null) {
      return new Pair<>(preOutput, null); // kept by activate() in training (DL4J's forward cache)
    }
    INDArray x = rows(input);
    long n = x.size(0);
    INDArray mArray = training ? matrixOfKernels(true, workspaceMgr, ArrayType.FF_WORKING_MEM, false)
        : inferenceMatrix();
    INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {n, mArray.size(1)}, 'c');
    Nd4j.gemm(x, mArray, z, false, false, 1.0, 0.0);
    long[] outShape = {n, layerConf().getNOut(), outH(), outW()};
    INDArray z4 = z.reshape('c', outShape);
    if (layerConf().hasBias()) {
      INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
      Nd4j.getExecutioner().exec(new BroadcastAddOp(z4, bias.reshape(bias.length()), z4, 1));
    }
    return new Pair<>(z4, null);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray z = preOutput4d(true, true, workspaceMgr).getFirst();
    INDArray delta = rows(layerConf().getActivationFn().backprop(z, epsilon.castTo(DataType.FLOAT)).getFirst());
    INDArray x = rows(input);
    long n = x.size(0);
    ConvolutionMatrix m = matrix();
    INDArray mTransposed = matrixOfKernels(true, workspaceMgr, ArrayType.BP_WORKING_MEM, true);

    INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
    Nd4j.gemm(delta, mTransposed, inputGrad.reshape('c', n, m.rows()), false, false, 1.0, 0.0);

    INDArray matrixGrad = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
        new long[] {m.columns(), m.rows()}, 'c'); // ∂L/∂Mᵀ = δᵀ·x
    Nd4j.gemm(delta, x, matrixGrad, true, false, 1.0, 0.0);
    INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY); // [F, C, kh, kw], c order
    ArrayValues.write(m.fold(matrixGrad.data().asNioFloat()), weightGrad);

    Gradient gradient = new DefaultGradient();
    if (layerConf().hasBias()) {
      INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
      long filters = layerConf().getNOut();
      biasGrad.assign(delta.reshape('c', n, filters, delta.size(1) / filters).sum(0, 2).reshape(biasGrad.shape()));
      gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
    }
    gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
    weightNoiseParams.clear();
    return new Pair<>(gradient, backpropDropOutIfPresent(inputGrad));
  }

  /**
   * M from the current kernels, made anew only when they or the input map's size differ from
   * the last call's ({@link #matrix()} is a new object for a new map size).
   */
  private INDArray inferenceMatrix() {
    ConvolutionMatrix m = matrix();
    float[] kernels = ArrayValues.read(getParam(ConvolutionParamInitializer.WEIGHT_KEY));
    if (m != inferenceMatrixOf) {
      try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        inferenceMatrix = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m.rows(), m.columns()}, 'c');
      }
      inferenceMatrixOf = m;
      inferenceKernels = null;
    }
    if (!Arrays.equals(kernels, inferenceKernels)) {
      m.expand(kernels, inferenceMatrix.data().asNioFloat());
      inferenceKernels = kernels;
    }
    return inferenceMatrix;
  }

  /** M (or Mᵀ) from the current kernels, in a workspace array of {@code type}. */
  private INDArray matrixOfKernels(boolean training, LayerWorkspaceMgr workspaceMgr, ArrayType type, boolean transposed) {
    ConvolutionMatrix m = matrix();
    float[] kernels = ArrayValues.read(getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr));
    long[] shape = transposed ? new long[] {m.columns(), m.rows()} : new long[] {m.rows(), m.columns()};
    INDArray out = workspaceMgr.createUninitialized(type, DataType.FLOAT, shape, 'c');
    if (transposed) {
      m.expandTransposed(kernels, out.data().asNioFloat());
    } else {
      m.expand(kernels, out.data().asNioFloat());
    }
    return out;
  }



  /** {@code batch} ([n, …], NCHW) as an [n, rest] float c-order matrix: a view when the batch is packed, else a copy. */
  private static INDArray rows(INDArray batch) {
    INDArray f = batch.castTo(DataType.FLOAT);
    return (ChannelPlanes.isPacked(f) ? f : f.dup('c')).reshape('c', f.size(0), f.length() / f.size(0));
  }

  private ConvolutionMatrix matrix() {
    long[] map = {input.size(2), input.size(3)};
    if (matrix == null || !Arrays.equals(map, matrixFor)) {
      matrixFor = map;
      org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
      int[] k = c.getKernelSize();
      int[] s = c.getStride();
      int[] p = c.getPadding();
      matrix = new ConvolutionMatrix((int) c.getNIn(), (int) c.getNOut(), (int) input.size(2), (int) input.size(3),
          outH(), outW(), k[0], k[1], s[0], s[1], p[0], p[1]);
    }
    return matrix;
  }

  private int outH() {
    org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
    return ((int) input.size(2) + 2 * c.getPadding()[0] - c.getKernelSize()[0]) / c.getStride()[0] + 1;
  }

  private int outW() {
    org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
    return ((int) input.size(3) + 2 * c.getPadding()[1] - c.getKernelSize()[1]) / c.getStride()[1] + 1;
  }
}

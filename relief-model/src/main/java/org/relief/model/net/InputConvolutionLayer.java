package org.relief.model.net;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link InputConvolution} at work. DL4J's convolution backward pass (oneDNN's
 * {@code conv2d_bp}) always computes the gradient with respect to the layer's input as well;
 * for the layer that reads the network's input nothing uses it, and on LeNet-5 it was the most
 * expensive primitive of a training step (oneDNN's verbose log, BENCHMARKS.md). Here only the
 * weight and bias gradients are computed: by the layer's {@link ConvolutionPrimitives} (backward
 * weights only), or where those do not run, as a convolution of the input with δ.
 */
final class InputConvolutionLayer extends TrainingConvolutionLayer {
  private static final long serialVersionUID = 1L;

  InputConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
    if (convolutionMode == ConvolutionMode.Same || !ones(conf.getDilation()) || !ones(conf.getStride())) {
      // input-dependent padding, dilation, strides (oneDNN refuses δ dilated by the stride as a
      // kernel): not in Relief's networks, whose first convolutions have stride 1; DL4J's path
      return super.backpropGradient(epsilon, workspaceMgr);
    }
    assertInputSet(true);
    boolean relu = isPlainRelu(conf.getActivationFn());
    ConvolutionPrimitives p = (relu || conf.getActivationFn() instanceof ActivationIdentity) && runsOwnPrimitives()
        ? primitivesFor(input) : null;
    if (p != null) {
      INDArray z = preOutput4d(true, true, workspaceMgr).getFirst();
      INDArray delta = packedFloat(epsilon);
      if (relu) { // δ = ε ⊙ [z > 0]
        INDArray gated = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, z.shape(), 'c');
        ElementwisePasses.fastest().gate(z, delta, gated);
        delta = gated;
      }
      return new Pair<>(weightGradients(p, packedFloat(input), delta, false), null); // no gradient for the network's input
    }
    requirePlanar();
    Gradient gradient = new DefaultGradient();
    INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY); // [F, C, kh, kw], c order
    INDArray biasGrad = conf.hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
    // the pre-activation the forward pass kept (cache mode), else recomputed
    INDArray z = preOutput4d(true, true, workspaceMgr).getFirst();
    if ((relu || conf.getActivationFn() instanceof ActivationIdentity) && epsilon.dataType() == DataType.FLOAT) {
      INDArray delta = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
          new long[] {z.size(1), z.size(0), z.size(2), z.size(3)}, 'c');
      double[] sums = FilterMajorDelta.write(epsilon, relu ? z : null, delta);
      weightGrad.assign(convolutionOfInput(delta).permute(1, 0, 2, 3));
      if (biasGrad != null) {
        biasGrad.assign(Nd4j.createFromArray(sums).castTo(DataType.FLOAT).reshape(biasGrad.shape()));
      }
    } else {
      INDArray delta = conf.getActivationFn().backprop(z, epsilon).getFirst();
      weightGrad.assign(convolutionOfInput(delta.permute(1, 0, 2, 3).dup('c')).permute(1, 0, 2, 3));
      if (biasGrad != null) {
        biasGrad.assign(delta.sum(0, 2, 3).reshape(biasGrad.shape()));
      }
    }
    if (biasGrad != null) {
      gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
    }
    gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
    weightNoiseParams.clear();
    return new Pair<>(gradient, null); // no gradient for the network's input
  }

  /**
   * ∂L/∂W[f, c, i, j] = Σ_n Σ_(y,x) δ[n, f, y, x] · x[n, c, y + i, x + j] (x zero-padded), as
   * [C, F, kh, kw]: a convolution of the input, samples as channels, with δ as the kernel
   * ({@code deltaByFilter}: [F, n, OH, OW]). oneDNN runs it ~3× faster than im2col + one GEMM,
   * which was itself 5× faster than ND4J's batched matmul (JFR, BENCHMARKS.md).
   */
  private INDArray convolutionOfInput(INDArray deltaByFilter) {
    int[] pad = layerConf().getPadding();
    Conv2DConfig reduction = Conv2DConfig.builder()
        .kH(deltaByFilter.size(2)).kW(deltaByFilter.size(3)).sH(1).sW(1).pH(pad[0]).pW(pad[1]).dH(1).dW(1)
        .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.OIYX)
        .build();
    return Nd4j.cnn().conv2d(input.permute(1, 0, 2, 3).dup('c'), deltaByFilter, reduction);
  }

  /** ReLU without a cap, threshold or negative slope: δ = ∂L/∂a where z &gt; 0. */
  static boolean isPlainRelu(IActivation fn) {
    return fn instanceof ActivationReLU r && r.getMax() == null && zero(r.getThreshold()) && zero(r.getNegativeSlope());
  }

  private static boolean zero(Double d) {
    return d == null || d == 0.0;
  }

  private static boolean ones(int[] values) {
    for (int v : values) {
      if (v != 1) {
        return false;
      }
    }
    return true;
  }
}

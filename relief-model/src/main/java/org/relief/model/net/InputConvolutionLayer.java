package org.relief.model.net;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link InputConvolution} at work. DL4J's convolution backward pass (oneDNN's
 * {@code conv2d_bp}) always computes the gradient with respect to the layer's input as well;
 * for the layer that reads the network's input nothing uses it, and on LeNet-5 it was the most
 * expensive primitive of a training step (oneDNN's verbose log, BENCHMARKS.md). Here the
 * weight gradient is Σ over samples and positions of δ times the input patch under the kernel:
 * one batched matrix product of δ {@code [n, F, P]} with the patches {@code [n, C·k², P]}.
 */
final class InputConvolutionLayer extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  InputConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
    if (convolutionMode == ConvolutionMode.Same) {
      return super.backpropGradient(epsilon, workspaceMgr); // padding that depends on the input: not needed here
    }
    assertInputSet(true);
    // δ = ∂L/∂z from the pre-activation the forward pass kept (cache mode), else recomputed
    INDArray delta = conf.getActivationFn().backprop(preOutput4d(true, true, workspaceMgr).getFirst(), epsilon)
        .getFirst();
    long n = delta.size(0);
    long filters = delta.size(1);
    long positions = delta.size(2) * delta.size(3);
    int[] kernel = conf.getKernelSize();
    int[] stride = conf.getStride();
    int[] pad = conf.getPadding();
    int[] dilation = conf.getDilation();
    Conv2DConfig patches = Conv2DConfig.builder()
        .kH(kernel[0]).kW(kernel[1]).sH(stride[0]).sW(stride[1]).pH(pad[0]).pW(pad[1])
        .dH(dilation[0]).dW(dilation[1]).paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW)
        .build();
    long patch = input.size(1) * kernel[0] * kernel[1];
    INDArray cols = Nd4j.cnn().im2Col(input, patches).reshape('c', n, patch, positions);
    INDArray perSample = Nd4j.matmul(delta.reshape('c', n, filters, positions), cols, false, true, false); // [n, F, C·k²]

    Gradient gradient = new DefaultGradient();
    INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY); // [F, C, kh, kw], c order
    weightGrad.assign(perSample.sum(0).reshape('c', weightGrad.shape()));
    if (conf.hasBias()) {
      INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
      biasGrad.assign(delta.sum(0, 2, 3).reshape(biasGrad.shape()));
      gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
    }
    gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
    weightNoiseParams.clear();
    return new Pair<>(gradient, null); // no gradient for the network's input
  }
}

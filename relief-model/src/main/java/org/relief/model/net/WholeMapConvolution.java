package org.relief.model.net;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A hidden convolution on a map so small that from every output position the kernel covers
 * every input pixel (VGG's 2×2 maps under 3×3 kernels with padding 1), as trained: there the
 * convolution is exactly a dense layer, [C·H·W] → [F·OH·OW], with no multiply-add wasted on
 * padding, and {@link WholeMapConvolutionLayer} runs it as three matrix products. Used only in
 * networks built to train ({@link Architecture#trainable}), like {@link InputConvolution}; saved
 * and exported networks keep DL4J's layer.
 */
public class WholeMapConvolution extends TrainingConvolution {
  private static final long serialVersionUID = 1L;

  /** For DL4J's JSON (Spark workers rebuild the network from it). */
  public WholeMapConvolution() {}

  private WholeMapConvolution(ConvolutionLayer.Builder builder) {
    super(builder);
  }

  /**
   * Whether {@code conv}, reading {@code input}, sees the whole map from every output position:
   * explicit padding, no dilation, and for every output row oh and input row h the kernel row
   * h − oh·stride + pad lies inside the kernel (likewise for columns).
   */
  static boolean covers(ConvolutionLayer conv, InputType input) {
    if (!(input instanceof InputType.InputTypeConvolutional in)
        || conv.getConvolutionMode() == ConvolutionMode.Same || conv.getConvolutionMode() == ConvolutionMode.Causal
        || conv.getDilation()[0] != 1 || conv.getDilation()[1] != 1) {
      return false;
    }
    int[] k = conv.getKernelSize();
    int[] s = conv.getStride();
    int[] p = conv.getPadding();
    return coversAxis((int) in.getHeight(), k[0], s[0], p[0]) && coversAxis((int) in.getWidth(), k[1], s[1], p[1]);
  }

  private static boolean coversAxis(int in, int kernel, int stride, int pad) {
    int out = (in + 2 * pad - kernel) / stride + 1;
    // the extreme pairs: last input pixel under the first output, first pixel under the last output
    return out >= 1 && in - 1 + pad <= kernel - 1 && (out - 1) * stride <= pad;
  }

  /** This layer with {@code conv}'s settings (kernel, stride, padding, widths, name, activation, bias). */
  static WholeMapConvolution of(ConvolutionLayer conv) {
    return new WholeMapConvolution(LayerInstances.settingsOf(conv));
  }

  @Override
  TrainingConvolutionLayer layer(NeuralNetConfiguration conf, DataType dataType) {
    return new WholeMapConvolutionLayer(conf, dataType);
  }
}

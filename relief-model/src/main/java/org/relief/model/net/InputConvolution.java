package org.relief.model.net;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The convolution that reads the network's input, as trained: DL4J's convolution whose
 * backward pass skips the gradient with respect to its input, which nothing reads
 * ({@link InputConvolutionLayer}). Used only in networks built to train ({@link
 * Architecture#trainable}); networks that are saved or exported use DL4J's own layer, so their
 * files load in plain DL4J.
 */
public class InputConvolution extends TrainingConvolution {
  private static final long serialVersionUID = 1L;

  /** For DL4J's JSON (Spark workers rebuild the network from it). */
  public InputConvolution() {}

  private InputConvolution(ConvolutionLayer.Builder builder) {
    super(builder);
  }

  /** This layer with {@code conv}'s settings (kernel, stride, padding, widths, name, activation, bias). */
  static InputConvolution of(ConvolutionLayer conv) {
    return new InputConvolution(LayerInstances.settingsOf(conv));
  }

  @Override
  TrainingConvolutionLayer layer(NeuralNetConfiguration conf, DataType dataType) {
    return new InputConvolutionLayer(conf, dataType);
  }
}

package org.relief.model.net;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution as trained: DL4J's convolution, except that one without an activation
 * function keeps its output for the backward pass without copying it ({@link
 * TrainingConvolutionLayer}). The base of Relief's other training forms of a convolution
 * ({@link InputConvolution}, {@link WholeMapConvolution}). Used only in networks built to train
 * ({@link Architecture#trainable}); saved and exported networks keep DL4J's layer.
 */
public class TrainingConvolution extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;
  /** How the layer's input (and its gradient) lies in its buffer. */
  private ActivationLayout inputLayout = ActivationLayout.PLANAR;
  /** How the layer's output (and its gradient) lies in its buffer. */
  private ActivationLayout outputLayout = ActivationLayout.PLANAR;

  /** For DL4J's JSON (Spark workers rebuild the network from it). */
  public TrainingConvolution() {}

  TrainingConvolution(ConvolutionLayer.Builder builder) {
    super(builder);
  }

  /** This layer with {@code conv}'s settings (kernel, stride, padding, widths, name, activation, bias). */
  static TrainingConvolution of(ConvolutionLayer conv) {
    return new TrainingConvolution(LayerInstances.settingsOf(conv));
  }

  /**
   * This configuration with its activations laid out as given (only Relief's own primitives
   * read layouts other than {@link ActivationLayout#PLANAR}: {@link TrainingConvolutionLayer}).
   */
  TrainingConvolution laidOut(ActivationLayout input, ActivationLayout output) {
    setInputLayout(input);
    setOutputLayout(output);
    return this;
  }

  public ActivationLayout getInputLayout() {
    return inputLayout;
  }

  public void setInputLayout(ActivationLayout inputLayout) {
    this.inputLayout = inputLayout;
  }

  public ActivationLayout getOutputLayout() {
    return outputLayout;
  }

  public void setOutputLayout(ActivationLayout outputLayout) {
    this.outputLayout = outputLayout;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initializeParams,
      DataType dataType) {
    LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), index, getNIn(), getNOut());
    return LayerInstances.wired(layer(conf, dataType), conf, listeners, index, paramsView, initializeParams,
        initializer());
  }

  /** The layer that runs this configuration. */
  TrainingConvolutionLayer layer(NeuralNetConfiguration conf, DataType dataType) {
    return new TrainingConvolutionLayer(conf, dataType);
  }
}

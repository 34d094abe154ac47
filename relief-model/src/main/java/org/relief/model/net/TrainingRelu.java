package org.relief.model.net;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A ReLU layer as trained: DL4J's {@link ActivationLayer} with ReLU, its forward and backward
 * passes each one pass over the batch ({@link TrainingReluLayer}). Used only in networks built
 * to train ({@link Architecture#trainable}); saved and exported networks keep DL4J's layer.
 */
public class TrainingRelu extends ActivationLayer {
  private static final long serialVersionUID = 1L;

  /** For DL4J's JSON (Spark workers rebuild the network from it). */
  public TrainingRelu() {
    super(Activation.RELU);
  }

  /** {@code layer} as trained: this layer when it is a plain ReLU without dropout, else itself. */
  static Layer trainingFormOf(Layer layer) {
    if (layer instanceof ActivationLayer a && !(layer instanceof TrainingRelu)
        && InputConvolutionLayer.isPlainRelu(a.getActivationFn()) && a.getIDropout() == null) {
      TrainingRelu relu = new TrainingRelu();
      relu.setLayerName(a.getLayerName());
      return relu;
    }
    return layer;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initializeParams,
      DataType dataType) {
    return LayerInstances.wired(new TrainingReluLayer(conf, dataType), conf, listeners, index, paramsView,
        initializeParams, initializer());
  }
}

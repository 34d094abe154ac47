package org.relief.model.net;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ReLU(BatchNorm(x)) as one layer, in networks built to train ({@link ResNetConfiguration}'s
 * training form): the BatchNorm that {@link TrainingBatchNorm} computes, with ReLU applied in
 * its forward pass and ReLU's gate applied in its backward pass ({@link TrainingBatchNormReluLayer}).
 * A separate ReLU layer costs two passes over the batch forward and three backward, and DL4J
 * cannot hand a layer's output or gradient on without a copy into the next layer's workspace.
 * Parameters and their layout are BatchNorm's; saved and exported networks keep DL4J's
 * BatchNorm and ReLU layers.
 */
public class TrainingBatchNormRelu extends LaidOutBatchNorm {
  private static final long serialVersionUID = 1L;

  /** For DL4J's JSON (Spark workers rebuild the network from it). */
  public TrainingBatchNormRelu() {
  }

  /** {@code bn}'s settings, followed by ReLU; activations in NCHW. */
  static TrainingBatchNormRelu of(BatchNormalization bn) {
    return of(bn, ActivationLayout.PLANAR);
  }

  /** {@code bn}'s settings, followed by ReLU; activations in {@code layout}. */
  static TrainingBatchNormRelu of(BatchNormalization bn, ActivationLayout layout) {
    return copy(bn, new TrainingBatchNormRelu(), layout);
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initializeParams,
      DataType dataType) {
    return LayerInstances.wired(new TrainingBatchNormReluLayer(conf, dataType), conf, listeners, index, paramsView,
        initializeParams, initializer());
  }
}

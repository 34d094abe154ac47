package org.relief.model.net;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Global average pooling of a batch in {@link ActivationLayout#CHANNEL_BLOCKS}, in networks built
 * to train ({@link ResNetConfiguration}'s training form): DL4J's {@code GlobalPoolingLayer} (AVG)
 * reads NCHW. Output {@code [n, C]} as DL4J's. Saved and exported networks keep DL4J's layer.
 */
public class ChannelBlockAveragePooling extends GlobalPoolingLayer {
  private static final long serialVersionUID = 1L;

  /** Also for DL4J's JSON (Spark workers rebuild the network from it). */
  public ChannelBlockAveragePooling() {
    super(PoolingType.AVG);
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initializeParams,
      DataType dataType) {
    return LayerInstances.wired(new ChannelBlockAveragePoolingLayer(conf, dataType), conf, listeners, index,
        paramsView, initializeParams, initializer());
  }
}

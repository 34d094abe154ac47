package org.relief.model.net;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link TrainingConvolution} at work. With DL4J's forward cache (which Relief's training
 * networks use so that the backward pass does not run the convolution again), DL4J's layer
 * copies its pre-activation into the cache workspace on every training forward pass. Without
 * an activation function (every ResNet and VGG convolution: BatchNorm follows) the
 * pre-activation is the layer's output, which the network keeps for the backward pass anyway,
 * and the identity's backward pass never reads it: here the cache holds that output itself.
 * The copy was 4 % of a ResNet-20 epoch (JFR, BENCHMARKS.md).
 */
class TrainingConvolutionLayer extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  TrainingConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    if (!(layerConf().getActivationFn() instanceof ActivationIdentity)) {
      return super.activate(training, workspaceMgr);
    }
    if (input == null) {
      throw new IllegalArgumentException("Cannot perform forward pass with null input " + layerId());
    }
    applyDropOutIfNecessary(training, workspaceMgr);
    INDArray z = preOutput(training, false, workspaceMgr).getFirst();
    if (training && cacheMode != null && cacheMode != CacheMode.NONE) {
      preOutput = z; // what preOutput4d(…, forBackprop) hands the backward pass instead of running the convolution again
    }
    return z;
  }
}

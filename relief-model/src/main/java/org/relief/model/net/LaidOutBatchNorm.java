package org.relief.model.net;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BatchNorm in a network built to train whose activations lie in {@link #getLayout()} ({@link
 * ResNetConfiguration}'s training form, between convolutions that keep {@link
 * ActivationLayout#CHANNEL_BLOCKS}): DL4J's BatchNorm layer (parameters, running statistics)
 * computed by a {@link TrainingBatchNorm} of that layout ({@link TrainingBatchNormLayer}). Parameters and their layout are
 * BatchNorm's; saved and exported networks keep DL4J's BatchNorm.
 */
public class LaidOutBatchNorm extends BatchNormalization {
  private static final long serialVersionUID = 1L;
  private ActivationLayout layout = ActivationLayout.PLANAR;

  /** For DL4J's JSON (Spark workers rebuild the network from it). */
  public LaidOutBatchNorm() {
  }

  /** {@code bn}'s settings, activations in {@code layout}. */
  static LaidOutBatchNorm of(BatchNormalization bn, ActivationLayout layout) {
    return copy(bn, new LaidOutBatchNorm(), layout);
  }

  /** Copies {@code bn}'s settings and {@code layout} into {@code into}. */
  static <T extends LaidOutBatchNorm> T copy(BatchNormalization bn, T into, ActivationLayout layout) {
    into.setLayerName(bn.getLayerName());
    into.setNIn(bn.getNIn());
    into.setNOut(bn.getNOut());
    into.setDecay(bn.getDecay());
    into.setEps(bn.getEps());
    into.setMinibatch(bn.isMinibatch());
    into.setGamma(bn.getGamma());
    into.setBeta(bn.getBeta());
    into.setLockGammaBeta(bn.isLockGammaBeta());
    into.setUseLogStd(bn.isUseLogStd());
    into.setCnn2DFormat(bn.getCnn2DFormat());
    into.setLayout(layout);
    return into;
  }

  public ActivationLayout getLayout() {
    return layout;
  }

  public void setLayout(ActivationLayout layout) {
    this.layout = layout;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initializeParams,
      DataType dataType) {
    return LayerInstances.wired(new TrainingBatchNormLayer(conf, dataType, false), conf, listeners, index, paramsView,
        initializeParams, initializer());
  }
}

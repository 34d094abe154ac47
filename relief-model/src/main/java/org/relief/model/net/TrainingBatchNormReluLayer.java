package org.relief.model.net;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link TrainingBatchNormRelu} at work: BatchNorm as {@link TrainingBatchNormLayer} computes it,
 * with a rectifying {@link TrainingBatchNorm}, so ReLU costs nothing forward and its gate is
 * folded into BatchNorm's two backward passes. Where that helper does not compute the batch (not
 * float, or not NCHW), DL4J's BatchNorm runs and ReLU and its gate are applied around it here.
 */
final class TrainingBatchNormReluLayer extends TrainingBatchNormLayer {
  private static final long serialVersionUID = 1L;
  /** The last forward pass's output, where ReLU was applied here: its gate for the backward pass. */
  private INDArray rectifiedHere;

  TrainingBatchNormReluLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType, true);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    INDArray out = super.activate(training, mgr);
    if (helperComputes(input)) {
      rectifiedHere = null;
      return out;
    }
    requirePlanar();
    // DL4J's BatchNorm returned a fresh activation array of its own
    rectifiedHere = Transforms.relu(out, false);
    return rectifiedHere;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    if (helperComputes(input)) {
      return super.backpropGradient(epsilon, mgr);
    }
    requirePlanar();
    if (rectifiedHere == null) {
      throw new IllegalStateException("layer " + layerId() + ": backward pass without a forward pass");
    }
    INDArray gated = epsilon.mul(rectifiedHere.gt(0).castTo(epsilon.dataType()));
    return super.backpropGradient(gated, mgr);
  }

  @Override
  public void clear() {
    super.clear();
    rectifiedHere = null;
  }

  /** ReLU is applied here only around DL4J's BatchNorm, which reads NCHW. */
  private void requirePlanar() {
    if (layout() != ActivationLayout.PLANAR) {
      throw new IllegalStateException("layer " + layerId() + " in " + layout()
          + " cannot run on DL4J's BatchNorm (float batches and learned gamma and beta only)");
    }
  }
}

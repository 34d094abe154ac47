package org.relief.model.net;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link LaidOutBatchNorm} at work: DL4J's BatchNorm layer (parameters, running statistics,
 * inference) computed by a {@link TrainingBatchNorm} of the configuration's layout; the base of
 * {@link TrainingBatchNormReluLayer}. Its backward pass calls that helper itself and writes the
 * running statistics' steps in Java: DL4J's layer follows its helper with four ND4J calls on C
 * values each, ~3 % of a ResNet-20 training step over its 19 BatchNorm layers (async-profiler,
 * docs/BENCHMARKS.md). Where the helper does not compute (not float, or gamma and beta locked),
 * DL4J's own path runs, in NCHW only.
 */
class TrainingBatchNormLayer extends BatchNormalization {
  private static final long serialVersionUID = 1L;
  private final TrainingBatchNorm own;
  private final boolean ownSet;

  /** @param rectify the layer's output is ReLU of BatchNorm's ({@link TrainingBatchNormReluLayer}) */
  TrainingBatchNormLayer(NeuralNetConfiguration conf, DataType dataType, boolean rectify) {
    super(conf, dataType);
    own = new TrainingBatchNorm(rectify, layout());
    ownSet = TrainingBatchNorm.setHelper(this, own);
    if (!ownSet && layout() != ActivationLayout.PLANAR) {
      throw new IllegalStateException("BatchNorm " + layerId() + " in " + layout()
          + " needs Relief's BatchNorm helper, which this DL4J version does not take");
    }
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    if (!helperComputes(input) || epsilon.rank() != 4 || layerConf().isUseLogStd()) {
      return super.backpropGradient(epsilon, mgr);
    }
    assertInputSet(true);
    Pair<Gradient, INDArray> ret = own.backpropGradient(input, epsilon, input.shape(),
        getParam(BatchNormalizationParamInitializer.GAMMA), getParam(BatchNormalizationParamInitializer.BETA),
        gradientViews.get(BatchNormalizationParamInitializer.GAMMA),
        gradientViews.get(BatchNormalizationParamInitializer.BETA), layerConf().getEps(), layerConf().getCnn2DFormat(),
        mgr);
    if (ret == null) {
      return super.backpropGradient(epsilon, mgr);
    }
    // as DL4J's layer after its helper: the "gradients" of the running mean and variance, which the
    // updater subtracts: mean ← mean − (1 − decay)·(mean − batch mean), the variance likewise
    float share = (float) (1 - layerConf().getDecay());
    runningStep(BatchNormalizationParamInitializer.GLOBAL_MEAN, own.getMeanCache(DataType.FLOAT), share, ret.getFirst());
    runningStep(BatchNormalizationParamInitializer.GLOBAL_VAR, own.getVarCache(DataType.FLOAT), share, ret.getFirst());
    return ret;
  }

  /** gradient[key] = (running − batch)·share, in float as ND4J's subtraction and scalar product compute it. */
  private void runningStep(String key, INDArray batch, float share, Gradient into) {
    float[] running = ArrayValues.read(getParam(key));
    float[] batchValues = ArrayValues.read(batch);
    float[] step = new float[running.length];
    for (int c = 0; c < step.length; c++) {
      step[c] = (running[c] - batchValues[c]) * share;
    }
    INDArray view = gradientViews.get(key);
    ArrayValues.write(step, view);
    into.setGradientFor(key, view);
  }

  /** How the layer's input and output lie in their buffers. */
  final ActivationLayout layout() {
    return ((LaidOutBatchNorm) conf.getLayer()).getLayout();
  }

  /** Whether Relief's helper computes this batch; DL4J drops a helper that threw. */
  final boolean helperComputes(INDArray x) {
    return ownSet && helperCountFail == 0 && !layerConf().isLockGammaBeta()
        && TrainingBatchNorm.handles(x, layerConf().getCnn2DFormat());
  }
}

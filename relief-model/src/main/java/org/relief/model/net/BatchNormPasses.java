package org.relief.model.net;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.VectorApi;

/**
 * BatchNorm's three passes over a float {@code [n, C, H, W]} batch (NCHW, or in channel blocks:
 * {@link ActivationLayout}) or a {@code [n, C]} batch in training, as {@link TrainingBatchNorm} runs them: the batch moments, the forward pass and the
 * backward pass. {@link ScalarBatchNormPasses} is plain Java; {@link VectorBatchNormPasses} runs
 * them on the JDK's Vector API. The two agree to float rounding (sums taken in another order),
 * not bit for bit: a JVM without the Vector API trains to the same accuracy, not to the same
 * bits, as training on another CPU's oneDNN kernels does (BENCHMARKS.md, issue 8).
 */
interface BatchNormPasses {

  /** The per-channel mean and population variance BatchNorm normalises a training batch with. */
  ChannelMoments.Moments moments(INDArray x, ActivationLayout layout);

  /**
   * Writes y = (x − μ)·γ/sqrt(var + eps) + β into {@code out} (ReLU(y) with {@code rectify}), a
   * fresh c-order float array of x's shape and layout ({@link BatchNormForward}).
   */
  void forward(INDArray x, ActivationLayout layout, float[] mean, float[] variance, float[] gamma, float[] beta, double eps, boolean rectify,
      INDArray out);

  /**
   * Writes dx into {@code dx} (a fresh c-order array of x's shape; x, dy and dx in {@code
   * layout}) and dγ, dβ into {@code dGamma}, {@code dBeta}; with {@code beta}, of
   * ReLU(BatchNorm(x)), else of BatchNorm(x) ({@link BatchNormBackward}).
   */
  void backward(INDArray x, INDArray dy, ActivationLayout layout, ChannelMoments.Moments moments, INDArray gamma, INDArray beta, double eps,
      INDArray dx, INDArray dGamma, INDArray dBeta);

  /**
   * Whether these passes have kernels of their own for {@link ActivationLayout#CHANNEL_BLOCKS}
   * (the others read such a batch one strided channel plane at a time: right, but slow).
   */
  default boolean runsChannelBlocks() {
    return false;
  }

  /** The Vector API passes where the JVM has the module ({@link VectorApi}), else the plain-Java ones. */
  static BatchNormPasses fastest() {
    return Choice.FASTEST;
  }

  /** Made once per JVM. */
  final class Choice {
    static final BatchNormPasses FASTEST = VectorApi
        .load(BatchNormPasses.class, BatchNormPasses.class.getPackageName() + ".VectorBatchNormPasses")
        .orElseGet(ScalarBatchNormPasses::new);

    private Choice() {}
  }
}

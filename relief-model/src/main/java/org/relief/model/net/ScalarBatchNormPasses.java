package org.relief.model.net;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link BatchNormPasses} in plain Java: {@link ChannelMoments}, {@link BatchNormForward} and
 * {@link BatchNormBackward}, each channel's planes copied to the heap in turn, sums in double.
 */
final class ScalarBatchNormPasses implements BatchNormPasses {

  @Override
  public ChannelMoments.Moments moments(INDArray x, ActivationLayout layout) {
    return ChannelMoments.of(x, layout);
  }

  @Override
  public void forward(INDArray x, ActivationLayout layout, float[] mean, float[] variance, float[] gamma, float[] beta,
      double eps, boolean rectify, INDArray out) {
    BatchNormForward.of(x, layout, mean, variance, gamma, beta, eps, rectify, out);
  }

  @Override
  public void backward(INDArray x, INDArray dy, ActivationLayout layout, ChannelMoments.Moments moments,
      INDArray gamma, INDArray beta, double eps, INDArray dx, INDArray dGamma, INDArray dBeta) {
    BatchNormBackward.of(x, dy, layout, moments, gamma, beta, eps, dx, dGamma, dBeta);
  }
}

package org.relief.model.net;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution's δ = ∂L/∂z in training, through ReLU when the layer has one
 * (δ = ∂L/∂a where z &gt; 0, else 0), written filter-major — {@code [F, n, OH, OW]}, what the
 * weight gradient's convolution reads as its kernel ({@link InputConvolutionLayer}) — together
 * with Σ δ per filter, the bias gradient. One pass over the native buffers, filters in
 * parallel, the mask without branches ({@link ReluGate}). It replaces ND4J's
 * ReLU backward, a permuted copy and a reduction over three axes, which together cost as much
 * as the convolution (JFR, BENCHMARKS.md).
 */
final class FilterMajorDelta {
  private FilterMajorDelta() {}

  /**
   * @param outputGrad ∂L/∂a [n, F, OH, OW], float
   * @param preOutput z, same shape, for a ReLU layer; null for an identity activation (δ = ∂L/∂a)
   * @param delta receives δ as [F, n, OH, OW], float, c order
   * @return Σ δ per filter, in double
   */
  static double[] write(INDArray outputGrad, INDArray preOutput, INDArray delta) {
    ChannelPlanes g = ChannelPlanes.of(outputGrad);
    ChannelPlanes z = preOutput == null ? null : ChannelPlanes.of(preOutput);
    ChannelPlanes d = ChannelPlanes.target(delta); // [F, n, ...]: filters as its samples, samples as its channels
    int n = g.samples();
    int filters = g.channels();
    int plane = g.plane();
    if (delta.length() != outputGrad.length() || d.samples() != filters || d.channels() != n) {
      throw new IllegalArgumentException("δ as [F, n, OH, OW] for an output gradient of shape "
          + java.util.Arrays.toString(outputGrad.shape()) + ", got " + java.util.Arrays.toString(delta.shape()));
    }
    double[] sums = new double[filters];
    IntStream.range(0, filters).parallel().forEach(f -> {
      float[] grad = new float[plane];
      float[] pre = new float[plane];
      double[] partial = new double[2];
      for (int s = 0; s < n; s++) {
        g.read(s, f, grad);
        if (z != null) {
          z.read(s, f, pre);
          for (int p = 0; p < plane; p++) {
            grad[p] = ReluGate.ifPositive(grad[p], pre[p]);
          }
        }
        ChannelMoments.addSums(grad, grad, partial);
        d.write(f, s, grad);
      }
      sums[f] = partial[0];
    });
    return sums;
  }
}

package org.relief.model.net;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backward pass of BatchNorm normalised with its batch moments, for a float {@code [n, C, H,
 * W]} or {@code [n, C]} batch. With M values per channel, σ̂ = sqrt(var + eps), x̂ = (x − μ)/σ̂:
 * dβ = Σ dy, dγ = Σ dy·x̂ = (Σ dy·x − μ·Σ dy)/σ̂, and
 * dx = γ/σ̂·(dy − dβ/M − x̂·dγ/M), which per channel is a·dy + b·x + c. Two passes over the
 * native buffers (sums in double, then the elementwise form), channels in parallel. libnd4j's
 * {@code batchnorm_bp} took 4.6–17.6 ms per ResNet-20 layer at batch 120, ~25 % of a step,
 * though oneDNN's own BN backward primitive accounts for ~1.5 ms of it.
 *
 * <p>Rectified ({@link TrainingBatchNormRelu}: the layer's output is ReLU(y)), dy is first gated
 * by [y &gt; 0], y recomputed from x exactly as the forward pass computed it, in both passes: ReLU's
 * backward pass costs no pass over the batch of its own.
 */
final class BatchNormBackward {
  private BatchNormBackward() {}

  /**
   * Writes dx into {@code dx} (a fresh c-order array of x's shape; x, dy and dx in {@code layout}) and dγ, dβ into {@code
   * dGamma}, {@code dBeta} (C values each); {@code moments} are those the forward pass used.
   * With {@code beta} (the forward pass's shift), the gradient of ReLU(BatchNorm(x)); null: of
   * BatchNorm(x).
   */
  static void of(INDArray x, INDArray dy, ActivationLayout layout, ChannelMoments.Moments moments, INDArray gamma,
      INDArray beta, double eps, INDArray dx, INDArray dGamma, INDArray dBeta) {
    float[] mean = moments.means();
    float[] variance = moments.variances();
    ChannelPlanes xs = ChannelPlanes.of(x, layout);
    ChannelPlanes dys = ChannelPlanes.of(dy, layout);
    ChannelPlanes dxs = ChannelPlanes.target(dx, layout);
    if (dx.length() != x.length()) {
      throw new IllegalArgumentException("dx must be a fresh c-order array of x's shape");
    }
    int n = xs.samples();
    int channels = xs.channels();
    int plane = xs.plane();
    double count = (double) n * plane;
    float[] g = ArrayValues.read(gamma);
    float[] shifts = beta == null ? null : ArrayValues.read(beta);
    float[] dGammas = new float[channels];
    float[] dBetas = new float[channels];
    IntStream.range(0, channels).parallel().forEach(ch -> {
      float[] xRow = new float[plane];
      float[] dyRow = new float[plane];
      double[] sums = new double[2];
      float m = mean[ch];
      float scale = BatchNormForward.scale(g[ch], variance[ch], eps);
      for (int i = 0; i < n; i++) {
        xs.read(i, ch, xRow);
        dys.read(i, ch, dyRow);
        if (shifts != null) {
          gate(xRow, m, scale, shifts[ch], dyRow);
        }
        ChannelMoments.addSums(xRow, dyRow, sums);
      }
      Channel k = Channel.of(sums[0], sums[1], mean[ch], variance[ch], g[ch], eps, count);
      dBetas[ch] = k.dBeta();
      dGammas[ch] = k.dGamma();
      float a = k.a();
      float b = k.b();
      float c = k.c();
      for (int i = 0; i < n; i++) {
        xs.read(i, ch, xRow);
        dys.read(i, ch, dyRow);
        if (shifts != null) {
          gate(xRow, m, scale, shifts[ch], dyRow);
        }
        for (int p = 0; p < plane; p++) {
          dyRow[p] = a * dyRow[p] + b * xRow[p] + c;
        }
        dxs.write(i, ch, dyRow);
      }
    });
    ArrayValues.write(dGammas, dGamma);
    ArrayValues.write(dBetas, dBeta);
  }

  /**
   * One channel's share of the backward pass, from its sums Σ dy and Σ dy·x over the batch (M
   * values): dβ, dγ, and dx = a·dy + b·x + c.
   */
  record Channel(float dBeta, float dGamma, float a, float b, float c) {
    static Channel of(double sumDy, double sumDyX, float mean, float variance, float gamma, double eps, double count) {
      double inv = 1 / Math.sqrt(variance + eps);
      double sumDyXhat = (sumDyX - mean * sumDy) * inv;
      return new Channel((float) sumDy, (float) sumDyXhat, (float) (gamma * inv),
          (float) (-gamma * inv * inv * sumDyXhat / count),
          (float) (-gamma * inv * sumDy / count + gamma * inv * inv * sumDyXhat * mean / count));
    }
  }

  /** dy ← dy ⊙ [y &gt; 0] with y = (x − μ)·scale + β, the forward pass's float expression. */
  private static void gate(float[] x, float mean, float scale, float shift, float[] dy) {
    for (int p = 0; p < x.length; p++) {
      dy[p] = ReluGate.ifPositive(dy[p], (x[p] - mean) * scale + shift);
    }
  }
}

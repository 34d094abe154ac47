package org.relief.model.net;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The backward pass of BatchNorm normalised with its batch moments, for a float {@code [n, C, H,
 * W]} or {@code [n, C]} batch. With M values per channel, σ̂ = sqrt(var + eps), x̂ = (x − μ)/σ̂:
 * dβ = Σ dy, dγ = Σ dy·x̂ = (Σ dy·x − μ·Σ dy)/σ̂, and
 * dx = γ/σ̂·(dy − dβ/M − x̂·dγ/M), which per channel is a·dy + b·x + c. Two passes over the
 * native buffers (sums in double, then the elementwise form), channels in parallel. libnd4j's
 * {@code batchnorm_bp} took 4.6–17.6 ms per ResNet-20 layer at batch 120, ~25 % of a step,
 * though oneDNN's own BN backward primitive accounts for ~1.5 ms of it.
 */
final class BatchNormBackward {
  private BatchNormBackward() {}

  /**
   * Writes dx into {@code dx} (a fresh c-order array of x's shape) and dγ, dβ into {@code
   * dGamma}, {@code dBeta} (C values each).
   */
  static void of(INDArray x, INDArray dy, float[] mean, float[] variance, INDArray gamma, double eps, INDArray dx,
      INDArray dGamma, INDArray dBeta) {
    INDArray xc = contiguous(x);
    INDArray dyc = contiguous(dy);
    if (dx.ordering() != 'c' || dx.isView() || dx.length() != x.length()) {
      throw new IllegalArgumentException("dx must be a fresh c-order array of x's shape");
    }
    FloatBuffer xs = xc.data().asNioFloat();
    FloatBuffer dys = dyc.data().asNioFloat();
    FloatBuffer dxs = dx.data().asNioFloat();
    int n = (int) xc.size(0);
    int channels = (int) xc.size(1);
    int plane = (int) (xc.length() / ((long) n * channels));
    double count = (double) n * plane;
    float[] g = gamma.dup().data().asFloat();
    float[] dGammas = new float[channels];
    float[] dBetas = new float[channels];
    IntStream.range(0, channels).parallel().forEach(ch -> {
      float[] xRow = new float[plane];
      float[] dyRow = new float[plane];
      double[] sums = new double[2];
      for (int i = 0; i < n; i++) {
        int at = (i * channels + ch) * plane;
        xs.get(at, xRow, 0, plane);
        dys.get(at, dyRow, 0, plane);
        addSums(xRow, dyRow, sums);
      }
      double inv = 1 / Math.sqrt(variance[ch] + eps);
      double sumDy = sums[0];
      double sumDyXhat = (sums[1] - mean[ch] * sumDy) * inv;
      dBetas[ch] = (float) sumDy;
      dGammas[ch] = (float) sumDyXhat;
      float a = (float) (g[ch] * inv);
      float b = (float) (-g[ch] * inv * inv * sumDyXhat / count);
      float c = (float) (-g[ch] * inv * sumDy / count + g[ch] * inv * inv * sumDyXhat * mean[ch] / count);
      for (int i = 0; i < n; i++) {
        int at = (i * channels + ch) * plane;
        xs.get(at, xRow, 0, plane);
        dys.get(at, dyRow, 0, plane);
        for (int p = 0; p < plane; p++) {
          dyRow[p] = a * dyRow[p] + b * xRow[p] + c;
        }
        dxs.put(at, dyRow, 0, plane);
      }
    });
    dGamma.assign(Nd4j.createFromArray(dGammas).reshape(dGamma.shape()));
    dBeta.assign(Nd4j.createFromArray(dBetas).reshape(dBeta.shape()));
  }

  /** sums[0] += Σ dy, sums[1] += Σ dy·x, in four interleaved partials each. */
  private static void addSums(float[] x, float[] dy, double[] sums) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    int p = 0;
    for (; p + 4 <= x.length; p += 4) {
      s0 += dy[p];
      s1 += dy[p + 1];
      s2 += dy[p + 2];
      s3 += dy[p + 3];
      q0 += (double) dy[p] * x[p];
      q1 += (double) dy[p + 1] * x[p + 1];
      q2 += (double) dy[p + 2] * x[p + 2];
      q3 += (double) dy[p + 3] * x[p + 3];
    }
    for (; p < x.length; p++) {
      s0 += dy[p];
      q0 += (double) dy[p] * x[p];
    }
    sums[0] += (s0 + s1) + (s2 + s3);
    sums[1] += (q0 + q1) + (q2 + q3);
  }

  private static INDArray contiguous(INDArray a) {
    if (a.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException("float batches only, got " + a.dataType());
    }
    return a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
  }
}

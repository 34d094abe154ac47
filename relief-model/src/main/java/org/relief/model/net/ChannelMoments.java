package org.relief.model.net;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-channel mean and population variance of a float batch, {@code [n, C, H, W]} (NCHW) or
 * {@code [n, C]}: what BatchNorm normalises with in training. One pass over the native buffer,
 * sums of x and x² in double (so E[x²] − E[x]² loses nothing that matters to float data),
 * channels in parallel. ND4J's reductions over axes (0, 2, 3) took 6× as long (2.4–8.8 ms
 * against 0.4–1.5 ms for ResNet-20's shapes at batch 120), ~13 % of a training step.
 */
final class ChannelMoments {
  private static final int PARTIALS = 4;

  private ChannelMoments() {}

  /** sums[k] += Σ x, sums[PARTIALS + k] += Σ x² over the elements at k mod PARTIALS. */
  private static void addPlane(float[] row, double[] sums) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    int p = 0;
    for (; p + PARTIALS <= row.length; p += PARTIALS) {
      double a = row[p];
      double b = row[p + 1];
      double c = row[p + 2];
      double d = row[p + 3];
      s0 += a;
      s1 += b;
      s2 += c;
      s3 += d;
      q0 += a * a;
      q1 += b * b;
      q2 += c * c;
      q3 += d * d;
    }
    for (; p < row.length; p++) {
      double a = row[p];
      s0 += a;
      q0 += a * a;
    }
    sums[0] += s0;
    sums[1] += s1;
    sums[2] += s2;
    sums[3] += s3;
    sums[4] += q0;
    sums[5] += q1;
    sums[6] += q2;
    sums[7] += q3;
  }

  /** Writes the moments of {@code x}'s channels into {@code mean} and {@code variance} (length C each). */
  static void of(INDArray x, INDArray mean, INDArray variance) {
    if (x.dataType() != DataType.FLOAT || (x.rank() != 2 && x.rank() != 4)) {
      throw new IllegalArgumentException("channel moments need a float [n, C] or [n, C, H, W] batch, got "
          + x.dataType() + " of rank " + x.rank());
    }
    INDArray c = x.ordering() == 'c' && !x.isView() ? x : x.dup('c');
    FloatBuffer values = c.data().asNioFloat();
    int n = (int) c.size(0);
    int channels = (int) c.size(1);
    int plane = (int) (c.length() / ((long) n * channels));
    double count = (double) n * plane;
    float[] means = new float[channels];
    float[] variances = new float[channels];
    IntStream.range(0, channels).parallel().forEach(ch -> {
      float[] row = new float[plane];
      double[] sums = new double[2 * PARTIALS]; // interleaved partials: independent add chains
      for (int i = 0; i < n; i++) {
        values.get((i * channels + ch) * plane, row, 0, plane);
        addPlane(row, sums);
      }
      double sum = 0;
      double squares = 0;
      for (int k = 0; k < PARTIALS; k++) {
        sum += sums[k];
        squares += sums[PARTIALS + k];
      }
      double m = sum / count;
      means[ch] = (float) m;
      variances[ch] = (float) Math.max(0, squares / count - m * m);
    });
    mean.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(means));
    variance.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(variances));
  }
}

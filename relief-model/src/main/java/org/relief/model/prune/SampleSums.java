package org.relief.model.prune;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sums over the samples of a float activation batch, accumulated in double precision
 * directly from ND4J's native buffer (no float64 copy of the batch, no strided reduction).
 */
final class SampleSums {
  private static final int CHUNKS = 4;

  private SampleSums() {}

  /** {@code acc[v] += Σ_n |a[n, v]|}, with {@code v} running over everything after the batch axis in C order. */
  static void addAbs(INDArray a, double[] acc) {
    int n = (int) a.size(0);
    int width = acc.length;
    if ((long) n * width != a.length()) {
      throw new IllegalArgumentException("batch of " + a.length() + " values is not " + n + " x " + width);
    }
    FloatBuffer data = contiguous(a);
    // A fixed number of row chunks summed in parallel, then added in chunk order: the result
    // does not depend on how many threads ran.
    int chunks = Math.min(CHUNKS, n);
    double[][] partial = new double[chunks][];
    java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
      double[] sums = new double[width];
      float[] row = new float[width];
      FloatBuffer view = data.duplicate();
      for (int r = n * c / chunks; r < n * (c + 1) / chunks; r++) {
        view.position(r * width);
        view.get(row); // bulk copy, then a loop the JIT vectorises
        for (int v = 0; v < width; v++) {
          sums[v] += Math.abs(row[v]);
        }
      }
      partial[c] = sums;
    });
    for (double[] sums : partial) {
      for (int v = 0; v < width; v++) {
        acc[v] += sums[v];
      }
    }
  }

  /**
   * {@code acc[u] += Σ_n Σ_p |a[n, u, p]|} for {@code units} units per sample. Only whether a
   * unit's sum is zero matters downstream (dead units), and a sum of non-negative floats is zero
   * exactly when every term is, whatever the order: so each map is summed in four interleaved
   * float partials (four independent add chains instead of one), and row chunks in parallel.
   */
  static void addAbsPerUnit(INDArray a, int units, double[] acc) {
    FloatBuffer data = contiguous(a);
    int n = (int) a.size(0);
    long perSample = a.length() / n;
    int positions = (int) (perSample / units);
    if ((long) positions * units != perSample) {
      throw new IllegalArgumentException("output of " + perSample + " values per sample is not " + units + " units");
    }
    int chunks = Math.min(CHUNKS, n);
    double[][] partial = new double[chunks][];
    java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
      double[] sums = new double[units];
      float[] row = new float[(int) perSample];
      FloatBuffer view = data.duplicate();
      for (int r = n * c / chunks; r < n * (c + 1) / chunks; r++) {
        view.position((int) (r * perSample));
        view.get(row);
        for (int u = 0; u < units; u++) {
          sums[u] += mapSum(row, u * positions, positions);
        }
      }
      partial[c] = sums;
    });
    for (double[] sums : partial) {
      for (int u = 0; u < units; u++) {
        acc[u] += sums[u];
      }
    }
  }

  private static float mapSum(float[] row, int start, int length) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int p = start;
    int end = start + length;
    for (; p + 4 <= end; p += 4) {
      s0 += Math.abs(row[p]);
      s1 += Math.abs(row[p + 1]);
      s2 += Math.abs(row[p + 2]);
      s3 += Math.abs(row[p + 3]);
    }
    for (; p < end; p++) {
      s0 += Math.abs(row[p]);
    }
    return (s0 + s1) + (s2 + s3);
  }

  private static FloatBuffer contiguous(INDArray a) {
    INDArray c = a;
    if (c.dataType() != DataType.FLOAT) {
      c = c.castTo(DataType.FLOAT);
    }
    if (c.ordering() != 'c' || c.offset() != 0 || c.data().length() != c.length() || c.elementWiseStride() != 1) {
      c = c.dup('c');
    }
    return c.data().asNioFloat();
  }
}

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

  /** {@code acc[u] += Σ_n Σ_p |a[n, u, p]|} for {@code units} units per sample. */
  static void addAbsPerUnit(INDArray a, int units, double[] acc) {
    FloatBuffer data = contiguous(a);
    int n = (int) a.size(0);
    long perSample = a.length() / n;
    int positions = (int) (perSample / units);
    if ((long) positions * units != perSample) {
      throw new IllegalArgumentException("output of " + perSample + " values per sample is not " + units + " units");
    }
    float[] row = new float[(int) perSample];
    for (int r = 0; r < n; r++) {
      data.get(row);
      for (int u = 0; u < units; u++) {
        float s = 0f; // one unit's map in one sample: only zero vs non-zero matters downstream
        int start = u * positions;
        for (int p = 0; p < positions; p++) {
          s += Math.abs(row[start + p]);
        }
        acc[u] += s;
      }
    }
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

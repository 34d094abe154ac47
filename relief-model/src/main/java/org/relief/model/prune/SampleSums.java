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
    addRows(contiguous(a), n, width, acc, (row, sums) -> {
      for (int v = 0; v < row.length; v++) { // a loop the JIT vectorises
        sums[v] += Math.abs(row[v]);
      }
    });
  }

  /**
   * {@code acc[u] += Σ_n Σ_p |a[n, u, p]|} for {@code units} units per sample. Only whether a
   * unit's sum is zero matters downstream (dead units), and a sum of non-negative floats is zero
   * exactly when every term is, whatever the order: so each map is summed in four interleaved
   * float partials (four independent add chains instead of one).
   */
  static void addAbsPerUnit(INDArray a, int units, double[] acc) {
    int n = (int) a.size(0);
    long perSample = a.length() / n;
    int positions = (int) (perSample / units);
    if ((long) positions * units != perSample) {
      throw new IllegalArgumentException("output of " + perSample + " values per sample is not " + units + " units");
    }
    addRows(contiguous(a), n, (int) perSample, acc, (row, sums) -> {
      for (int u = 0; u < units; u++) {
        sums[u] += mapSum(row, u * positions, positions);
      }
    });
  }

  /** What one sample's row adds to a chunk's sums. */
  private interface RowSum {
    void add(float[] row, double[] sums);
  }

  /**
   * Rows of {@code rowLength} values, bulk-copied from {@code data}, added into sums of {@code
   * acc.length}: a fixed number of row chunks in parallel, each into sums of its own, then added
   * to {@code acc} in chunk order, so the result does not depend on how many threads ran.
   */
  private static void addRows(FloatBuffer data, int n, int rowLength, double[] acc, RowSum rowSum) {
    int chunks = Math.min(CHUNKS, n);
    double[][] partial = new double[chunks][];
    java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
      double[] sums = new double[acc.length];
      float[] row = new float[rowLength];
      FloatBuffer view = data.duplicate();
      for (int r = n * c / chunks; r < n * (c + 1) / chunks; r++) {
        view.position(r * rowLength);
        view.get(row);
        rowSum.add(row, sums);
      }
      partial[c] = sums;
    });
    for (double[] sums : partial) {
      for (int v = 0; v < acc.length; v++) {
        acc[v] += sums[v];
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

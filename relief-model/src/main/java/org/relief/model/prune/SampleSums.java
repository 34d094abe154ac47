package org.relief.model.prune;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sums over the samples of a float activation batch, accumulated in double precision
 * directly from ND4J's native buffer (no float64 copy of the batch, no strided reduction).
 * A double batch (a {@code float64} network's, for the conformance check) is read as doubles.
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
    if (a.dataType() == DataType.DOUBLE) {
      DoubleBuffer data = contiguousDouble(a);
      for (int r = 0; r < n; r++) {
        for (int v = 0; v < width; v++) {
          acc[v] += Math.abs(data.get(r * width + v));
        }
      }
      return;
    }
    ByteBuffer data = packed(a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT)).data().asNio().duplicate()
        .order(ByteOrder.nativeOrder());
    AbsoluteSums kernel = AbsoluteSums.fastest();
    inChunks(n, acc, (from, to, sums) -> kernel.addRows(data, from, to, width, sums));
  }

  /**
   * {@code acc[u] +=} the number of samples in which unit u's map ({@code a[n, u, ·]}) holds a
   * value other than zero, for {@code units} units per sample. Dead units are the only use, so
   * each map is read up to its first non-zero value: a live unit costs a read or two per sample
   * instead of its whole map. The counts do not depend on the order or the threads.
   */
  static void addActiveSamples(INDArray a, int units, double[] acc) {
    int n = (int) a.size(0);
    long perSample = a.length() / n;
    int positions = (int) (perSample / units);
    if ((long) positions * units != perSample) {
      throw new IllegalArgumentException("output of " + perSample + " values per sample is not " + units + " units");
    }
    java.util.function.IntPredicate nonZero;
    if (a.dataType() == DataType.DOUBLE) {
      DoubleBuffer doubles = contiguousDouble(a);
      nonZero = p -> doubles.get(p) != 0;
    } else {
      FloatBuffer floats = contiguous(a);
      nonZero = p -> floats.get(p) != 0f;
    }
    int chunks = Math.min(CHUNKS, n);
    long[][] partial = new long[chunks][];
    java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
      long[] counts = new long[units];
      for (int r = n * c / chunks; r < n * (c + 1) / chunks; r++) {
        int map = Math.toIntExact(r * perSample);
        for (int u = 0; u < units; u++, map += positions) {
          for (int p = map; p < map + positions; p++) {
            if (nonZero.test(p)) {
              counts[u]++;
              break;
            }
          }
        }
      }
      partial[c] = counts;
    });
    for (long[] counts : partial) {
      for (int u = 0; u < units; u++) {
        acc[u] += counts[u];
      }
    }
  }

  /** What rows [from, to) of a batch add to a chunk's sums. */
  private interface ChunkSum {
    void add(int from, int to, double[] sums);
  }

  /**
   * The n rows of a batch added into sums of {@code acc.length}: a fixed number of row chunks in
   * parallel, each into sums of its own, then added to {@code acc} in chunk order, so the result
   * does not depend on how many threads ran.
   */
  private static void inChunks(int n, double[] acc, ChunkSum chunkSum) {
    int chunks = Math.min(CHUNKS, n);
    double[][] partial = new double[chunks][];
    java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
      double[] sums = new double[acc.length];
      chunkSum.add(n * c / chunks, n * (c + 1) / chunks, sums);
      partial[c] = sums;
    });
    for (double[] sums : partial) {
      for (int v = 0; v < acc.length; v++) {
        acc[v] += sums[v];
      }
    }
  }

  private static DoubleBuffer contiguousDouble(INDArray a) {
    return packed(a).data().asNioDouble();
  }

  private static FloatBuffer contiguous(INDArray a) {
    return packed(a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT)).data().asNioFloat();
  }

  /** {@code a} if it is its whole buffer in C order, else a C-order copy. */
  private static INDArray packed(INDArray a) {
    boolean whole = a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length() && a.elementWiseStride() == 1;
    return whole ? a : a.dup('c');
  }
}

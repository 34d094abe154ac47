package org.relief.model.prune;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** {@link AbsoluteSums} in plain Java: each row bulk-copied to the heap, then a loop C2 compiles per element. */
final class ScalarAbsoluteSums implements AbsoluteSums {
  @Override
  public void addRows(ByteBuffer data, int from, int to, int width, double[] sums) {
    FloatBuffer values = data.asFloatBuffer();
    float[] row = new float[width];
    for (int r = from; r < to; r++) {
      values.get(r * width, row, 0, width);
      for (int v = 0; v < width; v++) {
        sums[v] += Math.abs(row[v]);
      }
    }
  }
}

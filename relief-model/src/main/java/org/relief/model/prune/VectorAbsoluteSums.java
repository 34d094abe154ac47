package org.relief.model.prune;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AbsoluteSums} on the JDK's Vector API: a vector of |x| loaded straight from the native
 * buffer, widened into two double vectors and added onto the sums. The plain-Java loop is not
 * vectorised by C2 (float to double), and copying each row to the heap first cost a second pass.
 * Only {@link AbsoluteSums.Selection} names this class, by reflection.
 */
final class VectorAbsoluteSums implements AbsoluteSums {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
  private static final int V = FLOATS.length();
  private static final int HALF = DOUBLES.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  VectorAbsoluteSums() {
    if (HALF * 2 != V) {
      throw new UnsupportedOperationException(V + " floats do not widen into two vectors of " + HALF + " doubles");
    }
  }

  @Override
  public void addRows(ByteBuffer data, int from, int to, int width, double[] sums) {
    int r = from;
    for (; r + 4 <= to; r += 4) {
      addFourRows(data, 4 * r * width, 4 * width, width, sums);
    }
    for (; r < to; r++) {
      addRow(data, 4 * r * width, width, sums);
    }
  }

  /**
   * Rows at bytes {@code row}, {@code row + pitch}, … four at a time: each sum is loaded and
   * stored once for four adds, in row order as one row at a time would make them.
   */
  private static void addFourRows(ByteBuffer data, int row, int pitch, int width, double[] sums) {
    int vectors = width - width % V;
    for (int v = 0; v < vectors; v += V) {
      int at = row + 4 * v;
      FloatVector x0 = FloatVector.fromByteBuffer(FLOATS, data, at, ORDER).abs();
      FloatVector x1 = FloatVector.fromByteBuffer(FLOATS, data, at + pitch, ORDER).abs();
      FloatVector x2 = FloatVector.fromByteBuffer(FLOATS, data, at + 2 * pitch, ORDER).abs();
      FloatVector x3 = FloatVector.fromByteBuffer(FLOATS, data, at + 3 * pitch, ORDER).abs();
      DoubleVector low = DoubleVector.fromArray(DOUBLES, sums, v)
          .add(x0.convertShape(VectorOperators.F2D, DOUBLES, 0))
          .add(x1.convertShape(VectorOperators.F2D, DOUBLES, 0))
          .add(x2.convertShape(VectorOperators.F2D, DOUBLES, 0))
          .add(x3.convertShape(VectorOperators.F2D, DOUBLES, 0));
      DoubleVector high = DoubleVector.fromArray(DOUBLES, sums, v + HALF)
          .add(x0.convertShape(VectorOperators.F2D, DOUBLES, 1))
          .add(x1.convertShape(VectorOperators.F2D, DOUBLES, 1))
          .add(x2.convertShape(VectorOperators.F2D, DOUBLES, 1))
          .add(x3.convertShape(VectorOperators.F2D, DOUBLES, 1));
      low.intoArray(sums, v);
      high.intoArray(sums, v + HALF);
    }
    for (int v = vectors; v < width; v++) {
      for (int k = 0; k < 4; k++) {
        sums[v] += Math.abs(data.getFloat(row + k * pitch + 4 * v));
      }
    }
  }

  private static void addRow(ByteBuffer data, int row, int width, double[] sums) {
    int vectors = width - width % V;
    for (int v = 0; v < vectors; v += V) {
      FloatVector x = FloatVector.fromByteBuffer(FLOATS, data, row + 4 * v, ORDER).abs();
      DoubleVector low = (DoubleVector) x.convertShape(VectorOperators.F2D, DOUBLES, 0);
      DoubleVector high = (DoubleVector) x.convertShape(VectorOperators.F2D, DOUBLES, 1);
      DoubleVector.fromArray(DOUBLES, sums, v).add(low).intoArray(sums, v);
      DoubleVector.fromArray(DOUBLES, sums, v + HALF).add(high).intoArray(sums, v + HALF);
    }
    for (int v = vectors; v < width; v++) {
      sums[v] += Math.abs(data.getFloat(row + 4 * v));
    }
  }
}

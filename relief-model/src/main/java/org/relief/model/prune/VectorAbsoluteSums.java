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
    int vectors = width - width % V;
    for (int r = from; r < to; r++) {
      int row = 4 * r * width;
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
}

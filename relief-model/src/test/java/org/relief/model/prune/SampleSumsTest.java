package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SampleSumsTest {

  /** Three samples of two units with 2×2 maps: a unit counts a sample when any value of its map is not zero. */
  @Test
  void activeSamplesCountTheSamplesWhereAUnitsMapIsNotAllZero() {
    float[] values = {
        0, 0, 0, 0, /* unit 1 */ 0, 0, 0, 2.5f, // sample 0: unit 0 silent, unit 1 active at its last position
        -0f, 0, 0, 0, /* unit 1 */ -1, 0, 0, 0, // sample 1: negative zero is zero; a negative value is activity
        0, 0, 0, 0, /* unit 1 */ 0, 0, 0, 0}; // sample 2: both silent
    INDArray output = Nd4j.create(values, new long[] {3, 2, 2, 2});
    double[] counts = {5, 0}; // added to
    SampleSums.addActiveSamples(output, 2, counts);
    assertArrayEquals(new double[] {5, 2}, counts);

    double[] permuted = new double[2]; // a non-contiguous view gives the same counts
    SampleSums.addActiveSamples(Nd4j.create(values, new long[] {3, 2, 2, 2}).permute(0, 1, 3, 2), 2, permuted);
    assertArrayEquals(new double[] {0, 2}, permuted);
  }

  /** A float64 network's batch is read as doubles: a value float32 cannot hold still counts, and sums match the float path. */
  @Test
  void aDoubleBatchIsReadInDoublePrecision() {
    float[] values = {0, 0, 0, 0, /* unit 1 */ 0, -3, 0, 2.5f, /* sample 1 */ 0, 0, 1, 0, /* unit 1 */ 0, 0, 0, 0};
    INDArray floats = Nd4j.create(values, new long[] {2, 2, 2, 2});
    INDArray doubles = floats.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    double[] fromFloats = new double[8];
    double[] fromDoubles = new double[8];
    SampleSums.addAbs(floats, fromFloats);
    SampleSums.addAbs(doubles, fromDoubles);
    assertArrayEquals(fromFloats, fromDoubles);

    doubles.putScalar(new long[] {1, 1, 1, 1}, 1e-300); // 0 in float32
    double[] counts = new double[2];
    SampleSums.addActiveSamples(doubles, 2, counts);
    assertArrayEquals(new double[] {1, 2}, counts);
    double[] sums = new double[8];
    SampleSums.addAbs(doubles, sums);
    assertArrayEquals(new double[] {0, 0, 1, 0, 0, 3, 0, 2.5 + 1e-300}, sums);
  }

  /** Σ_n |x| per value, in double, whichever kernel adds the rows: the same bits, and the JVM's choice is the Vector API's. */
  @Test
  void absoluteSumsAreTheSameBitsOnEitherKernel() {
    assertInstanceOf(VectorAbsoluteSums.class, AbsoluteSums.fastest());
    int n = 7;
    int width = 3 * 37; // not a multiple of a vector: a tail of plain-Java adds
    java.util.Random random = new java.util.Random(5);
    float[] values = new float[n * width];
    for (int v = 0; v < values.length; v++) {
      values[v] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
    }
    INDArray batch = Nd4j.create(values, new long[] {n, 3, 37});
    ByteBuffer data = batch.data().asNio().duplicate().order(ByteOrder.nativeOrder());
    double[] scalar = new double[width];
    double[] vector = new double[width];
    new ScalarAbsoluteSums().addRows(data, 0, n, width, scalar);
    AbsoluteSums.fastest().addRows(data, 0, n, width, vector);
    assertArrayEquals(scalar, vector, 0.0);

    double[] expected = new double[width];
    for (int r = 0; r < n; r++) {
      for (int v = 0; v < width; v++) {
        expected[v] += Math.abs(values[r * width + v]);
      }
    }
    double[] viaBatch = new double[width];
    SampleSums.addAbs(batch, viaBatch); // four chunks of rows, added in chunk order
    assertArrayEquals(expected, viaBatch, 1e-12);
  }

  @Test
  void aMapSizeThatDoesNotDivideIntoUnitsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SampleSums.addActiveSamples(Nd4j.zeros(2, 3, 2, 2), 5, new double[5]));
  }
}

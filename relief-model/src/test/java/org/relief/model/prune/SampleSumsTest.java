package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  @Test
  void aMapSizeThatDoesNotDivideIntoUnitsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SampleSums.addActiveSamples(Nd4j.zeros(2, 3, 2, 2), 5, new double[5]));
  }
}

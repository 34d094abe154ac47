package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relief.model.net.PrunableLayer;

/**
 * Both kernels add sqrt(Σ_q w_q·f_q) of every lane onto lane % 16 of the filter's totals, and
 * agree bit for bit, so a JVM started without the Vector API selects the same masks.
 */
class NormKernelTest {

  /** The build's test JVMs get {@code --add-modules=jdk.incubator.vector}, as the launchers' JVMs do. */
  @Test
  void theVectorKernelIsWhatThisJvmUses() {
    assertInstanceOf(VectorNormKernel.class, NormKernel.fastest());
  }

  @ParameterizedTest(name = "{0} terms, {1} filters, {2} lanes")
  @CsvSource({
      "45, 512, 128", // VGG's 3×3 layers, a full block
      "10, 8, 80", // 2×2 maps; 64 lanes four vectors at a time, then one vector
      "47, 7, 16", // a remainder of terms and of filters
      "325, 5, 48", // LeNet-5's 5×5 kernels
      "1, 4, 16"})
  void kernelsAgreeBitForBitAndAddEachLaneOntoLaneModSixteen(int count, int filters, int lanes) {
    Random random = new Random(count * 31 + filters);
    float[] products = new float[filters * count];
    for (int v = 0; v < products.length; v++) {
      products[v] = random.nextFloat();
    }
    int stride = lanes + NormKernel.LANE_MULTIPLE; // rows further apart than the lanes used
    float[] terms = new float[count * stride];
    for (int v = 0; v < terms.length; v++) {
      terms[v] = v % stride < lanes ? random.nextFloat() * 4 : Float.NaN; // past the lanes: never read
    }
    int[] live = new int[filters - 1]; // the last filter is pruned: its totals stay untouched
    for (int j = 0; j < live.length; j++) {
      live[j] = j;
    }
    float[][] scalar = startingTotals(filters);
    float[][] vector = startingTotals(filters);
    new ScalarNormKernel().addNorms(products, count, live, terms, stride, lanes, scalar);
    NormKernel.Selection.vectorKernel().orElseThrow().addNorms(products, count, live, terms, stride, lanes, vector);

    for (int j = 0; j < filters; j++) {
      assertArrayEquals(scalar[j], vector[j], "filter " + j); // bit for bit; a NaN read from past the lanes fails below
    }
    assertArrayEquals(startingTotals(filters)[filters - 1], vector[filters - 1], "pruned filter");
    for (int j : new int[] {0, live.length - 1}) {
      for (int k = 0; k < NormKernel.LANE_MULTIPLE; k++) {
        double expected = 1.0 + k;
        for (int l = k; l < lanes; l += NormKernel.LANE_MULTIPLE) {
          double square = 0;
          for (int q = 0; q < count; q++) {
            square += (double) products[j * count + q] * terms[q * stride + l];
          }
          expected += Math.sqrt(square);
        }
        assertEquals(expected, vector[j][k], 1e-5 * expected, "filter " + j + ", lane " + k);
      }
    }
  }

  /** FrobeniusSums over 37 samples (a padded block) of a layer with pruned slices, on each kernel. */
  @Test
  void frobeniusSumsAreTheSameOnEitherKernel() {
    PrunableLayer layer = TinyLayers.conv("c", 9, 6, 3, 1, 1, 4);
    Random random = new Random(3);
    float[] weights = new float[(int) layer.weightCount()];
    for (int v = 0; v < weights.length; v++) {
      weights[v] = (float) random.nextGaussian();
    }
    java.util.Arrays.fill(weights, (2 * 6 + 1) * 9, (2 * 6 + 2) * 9, 0f); // slice K_2,1 pruned
    int n = 37;
    float[] input = new float[n * 6 * 16];
    for (int v = 0; v < input.length; v++) {
      input[v] = (float) random.nextGaussian();
    }
    org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.create(input, new long[] {n, 6, 4, 4}, 'c');

    double[] scalar = new double[9 * 6];
    double[] vector = new double[9 * 6];
    new FrobeniusSums(layer, weights, new ScalarNormKernel()).add(x, scalar);
    new FrobeniusSums(layer, weights, NormKernel.Selection.vectorKernel().orElseThrow()).add(x, vector);

    assertArrayEquals(scalar, vector, 0.0);
    assertEquals(0.0, vector[2 * 6 + 1]);
    assertTrue(vector[2 * 6 + 2] > 0);
  }

  private static float[][] startingTotals(int filters) {
    float[][] totals = new float[filters][NormKernel.LANE_MULTIPLE];
    for (float[] t : totals) {
      for (int k = 0; k < t.length; k++) {
        t[k] = 1f + k;
      }
    }
    return totals;
  }
}

package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Vector API's BatchNorm passes compute what the plain-Java ones do: the same forward pass bit
 * for bit, and moments and gradients equal to float rounding (their sums run in another order).
 * Shapes: ResNet's three stages, a plane that is not a multiple of the vector, one narrower than
 * a vector and a rank-2 batch (both handed to the plain-Java passes).
 */
class BatchNormPassesTest {
  private static final double EPS = 1e-5;
  private final BatchNormPasses scalar = new ScalarBatchNormPasses();
  private final BatchNormPasses vector = new VectorBatchNormPasses();

  @Test
  void theTestJvmRunsTheVectorPasses() {
    assertInstanceOf(VectorBatchNormPasses.class, BatchNormPasses.fastest(),
        "the tests start the JVM with --add-modules=jdk.incubator.vector, as submit/relief does");
  }

  @ParameterizedTest
  @CsvSource({"7, 16, 32, 32", "5, 32, 16, 16", "9, 64, 8, 8", "4, 3, 7, 7", "6, 12, 3, 3", "10, 20, 1, 1"})
  void vectorPassesMatchThePlainJavaOnes(int n, int channels, int h, int w) {
    Nd4j.getRandom().setSeed(n * 1000 + channels);
    long[] shape = h == 1 && w == 1 ? new long[] {n, channels} : new long[] {n, channels, h, w};
    // a mean well away from zero and a spread per channel, as a convolution's output has
    INDArray x = Nd4j.randn(DataType.FLOAT, shape).muli(1.5).addi(0.7);
    INDArray dy = Nd4j.randn(DataType.FLOAT, shape);
    INDArray gamma = Nd4j.rand(DataType.FLOAT, 1, channels).addi(0.5);
    INDArray beta = Nd4j.randn(DataType.FLOAT, 1, channels).muli(0.5);

    ChannelMoments.Moments expected = scalar.moments(x);
    ChannelMoments.Moments got = vector.moments(x);
    for (int ch = 0; ch < channels; ch++) {
      assertEquals(expected.means()[ch], got.means()[ch], 1e-6 * (1 + Math.abs(expected.means()[ch])), "mean " + ch);
      assertEquals(expected.variances()[ch], got.variances()[ch], 1e-6 * expected.variances()[ch], "variance " + ch);
    }

    for (boolean rectify : new boolean[] {false, true}) {
      INDArray yScalar = Nd4j.create(DataType.FLOAT, shape);
      INDArray yVector = Nd4j.create(DataType.FLOAT, shape);
      float[] g = gamma.toFloatVector();
      float[] b = beta.toFloatVector();
      scalar.forward(x, expected.means(), expected.variances(), g, b, EPS, rectify, yScalar);
      vector.forward(x, expected.means(), expected.variances(), g, b, EPS, rectify, yVector);
      assertArrayEquals(yScalar.data().asFloat(), yVector.data().asFloat(), "forward pass, rectify " + rectify);
      if (rectify) {
        assertTrue(yVector.minNumber().floatValue() == 0f && yVector.maxNumber().floatValue() > 0f,
            "ReLU closes some values and lets others through");
      }

      INDArray beforeRelu = rectify ? beta : null;
      Gradient s = backward(scalar, x, dy, expected, gamma, beforeRelu, shape);
      Gradient v = backward(vector, x, dy, expected, gamma, beforeRelu, shape);
      assertEquals(0.0, worst(v.dx(), s.dx()), 1e-5, "dx, rectify " + rectify);
      assertEquals(0.0, worst(v.dGamma(), s.dGamma()), 1e-5, "dγ, rectify " + rectify);
      assertEquals(0.0, worst(v.dBeta(), s.dBeta()), 1e-5, "dβ, rectify " + rectify);
    }
  }

  @Test
  void aGradientOfAnotherShapeIsRefused() {
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 16, 4, 4);
    INDArray dy = Nd4j.rand(DataType.FLOAT, 2, 16, 2, 8); // as many values, other maps
    INDArray gamma = Nd4j.ones(DataType.FLOAT, 1, 16);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> backward(vector, x, dy, vector.moments(x), gamma, null, x.shape()));
    assertEquals("dy must have x's shape, and dx must be a fresh c-order array of it", e.getMessage());
  }

  private record Gradient(INDArray dx, INDArray dGamma, INDArray dBeta) {}

  private static Gradient backward(BatchNormPasses passes, INDArray x, INDArray dy, ChannelMoments.Moments moments,
      INDArray gamma, INDArray beta, long[] shape) {
    Gradient g = new Gradient(Nd4j.create(DataType.FLOAT, shape), Nd4j.create(DataType.FLOAT, 1, gamma.length()),
        Nd4j.create(DataType.FLOAT, 1, gamma.length()));
    passes.backward(x, dy, moments, gamma, beta, EPS, g.dx(), g.dGamma(), g.dBeta());
    return g;
  }

  /** Largest difference relative to the largest reference entry. */
  private static double worst(INDArray got, INDArray reference) {
    return got.castTo(DataType.DOUBLE).sub(reference.castTo(DataType.DOUBLE)).amaxNumber().doubleValue()
        / reference.amaxNumber().doubleValue();
  }
}

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
 * a vector and a rank-2 batch (both handed to the plain-Java passes). In channel blocks, both
 * compute what the plain-Java passes compute on the same batch in NCHW.
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

    ChannelMoments.Moments expected = scalar.moments(x, ActivationLayout.PLANAR);
    ChannelMoments.Moments got = vector.moments(x, ActivationLayout.PLANAR);
    for (int ch = 0; ch < channels; ch++) {
      assertEquals(expected.means()[ch], got.means()[ch], 1e-6 * (1 + Math.abs(expected.means()[ch])), "mean " + ch);
      assertEquals(expected.variances()[ch], got.variances()[ch], 1e-6 * expected.variances()[ch], "variance " + ch);
    }

    for (boolean rectify : new boolean[] {false, true}) {
      INDArray yScalar = Nd4j.create(DataType.FLOAT, shape);
      INDArray yVector = Nd4j.create(DataType.FLOAT, shape);
      float[] g = gamma.toFloatVector();
      float[] b = beta.toFloatVector();
      scalar.forward(x, ActivationLayout.PLANAR, expected.means(), expected.variances(), g, b, EPS, rectify, yScalar);
      vector.forward(x, ActivationLayout.PLANAR, expected.means(), expected.variances(), g, b, EPS, rectify, yVector);
      assertArrayEquals(yScalar.data().asFloat(), yVector.data().asFloat(), "forward pass, rectify " + rectify);
      if (rectify) {
        assertTrue(yVector.minNumber().floatValue() == 0f && yVector.maxNumber().floatValue() > 0f,
            "ReLU closes some values and lets others through");
      }

      INDArray beforeRelu = rectify ? beta : null;
      Gradient s = backward(scalar, x, dy, ActivationLayout.PLANAR, expected, gamma, beforeRelu, shape);
      Gradient v = backward(vector, x, dy, ActivationLayout.PLANAR, expected, gamma, beforeRelu, shape);
      assertEquals(0.0, worst(v.dx(), s.dx()), 1e-5, "dx, rectify " + rectify);
      assertEquals(0.0, worst(v.dGamma(), s.dGamma()), 1e-5, "dγ, rectify " + rectify);
      assertEquals(0.0, worst(v.dBeta(), s.dBeta()), 1e-5, "dβ, rectify " + rectify);
    }
  }

  @Test
  void channelBlocksHaveVectorKernelsWhereAVectorHoldsABlock() {
    assertEquals(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() == ActivationLayout.BLOCK,
        vector.runsChannelBlocks());
    assertTrue(!scalar.runsChannelBlocks());
  }

  /**
   * Both passes, on a batch in channel blocks, compute what the plain-Java passes compute on the
   * same batch in NCHW: the forward pass bit for bit (the same float expression per value),
   * moments and gradients to float rounding. Planes of 25 and 3 pixels end the kernels' pairs
   * and chunks early.
   */
  @ParameterizedTest
  @CsvSource({"7, 16, 32, 32", "5, 32, 16, 16", "9, 64, 8, 8", "3, 48, 5, 5", "4, 16, 1, 3"})
  void channelBlockPassesMatchThePlanarOnes(int n, int channels, int h, int w) {
    Nd4j.getRandom().setSeed(n * 1000 + channels + 7);
    long[] shape = {n, channels, h, w};
    INDArray x = Nd4j.randn(DataType.FLOAT, shape).muli(1.5).addi(0.7);
    INDArray dy = Nd4j.randn(DataType.FLOAT, shape);
    INDArray gamma = Nd4j.rand(DataType.FLOAT, 1, channels).addi(0.5);
    INDArray beta = Nd4j.randn(DataType.FLOAT, 1, channels).muli(0.5);
    ActivationLayout blocks = ActivationLayout.CHANNEL_BLOCKS;
    INDArray xBlocks = blocks.fromPlanar(x);
    INDArray dyBlocks = blocks.fromPlanar(dy);
    ChannelMoments.Moments expected = scalar.moments(x, ActivationLayout.PLANAR);

    for (BatchNormPasses passes : new BatchNormPasses[] {vector, scalar}) {
      String which = passes.getClass().getSimpleName() + ": ";
      ChannelMoments.Moments got = passes.moments(xBlocks, blocks);
      for (int ch = 0; ch < channels; ch++) {
        assertEquals(expected.means()[ch], got.means()[ch], 1e-6 * (1 + Math.abs(expected.means()[ch])),
            which + "mean " + ch);
        assertEquals(expected.variances()[ch], got.variances()[ch], 1e-6 * expected.variances()[ch],
            which + "variance " + ch);
      }
      for (boolean rectify : new boolean[] {false, true}) {
        float[] g = gamma.toFloatVector();
        float[] b = beta.toFloatVector();
        INDArray yPlanar = Nd4j.create(DataType.FLOAT, shape);
        INDArray yBlocks = Nd4j.create(DataType.FLOAT, shape);
        scalar.forward(x, ActivationLayout.PLANAR, expected.means(), expected.variances(), g, b, EPS, rectify, yPlanar);
        passes.forward(xBlocks, blocks, expected.means(), expected.variances(), g, b, EPS, rectify, yBlocks);
        assertArrayEquals(yPlanar.data().asFloat(), blocks.toPlanar(yBlocks).data().asFloat(),
            which + "forward pass, rectify " + rectify);

        INDArray beforeRelu = rectify ? beta : null;
        Gradient planar = backward(scalar, x, dy, ActivationLayout.PLANAR, expected, gamma, beforeRelu, shape);
        Gradient got2 = backward(passes, xBlocks, dyBlocks, blocks, expected, gamma, beforeRelu, shape);
        assertEquals(0.0, worst(blocks.toPlanar(got2.dx()), planar.dx()), 1e-5, which + "dx, rectify " + rectify);
        assertEquals(0.0, worst(got2.dGamma(), planar.dGamma()), 1e-5, which + "dγ, rectify " + rectify);
        assertEquals(0.0, worst(got2.dBeta(), planar.dBeta()), 1e-5, which + "dβ, rectify " + rectify);
      }
    }
  }

  @Test
  void aGradientOfAnotherShapeIsRefused() {
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 16, 4, 4);
    INDArray dy = Nd4j.rand(DataType.FLOAT, 2, 16, 2, 8); // as many values, other maps
    INDArray gamma = Nd4j.ones(DataType.FLOAT, 1, 16);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> backward(vector, x, dy, ActivationLayout.PLANAR, vector.moments(x, ActivationLayout.PLANAR), gamma, null,
            x.shape()));
    assertEquals("dy must have x's shape, and dx must be a fresh c-order array of it", e.getMessage());
  }

  private record Gradient(INDArray dx, INDArray dGamma, INDArray dBeta) {}

  private static Gradient backward(BatchNormPasses passes, INDArray x, INDArray dy, ActivationLayout layout,
      ChannelMoments.Moments moments, INDArray gamma, INDArray beta, long[] shape) {
    Gradient g = new Gradient(Nd4j.create(DataType.FLOAT, shape), Nd4j.create(DataType.FLOAT, 1, gamma.length()),
        Nd4j.create(DataType.FLOAT, 1, gamma.length()));
    passes.backward(x, dy, layout, moments, gamma, beta, EPS, g.dx(), g.dGamma(), g.dBeta());
    return g;
  }

  /** Largest difference relative to the largest reference entry. */
  private static double worst(INDArray got, INDArray reference) {
    return got.castTo(DataType.DOUBLE).sub(reference.castTo(DataType.DOUBLE)).amaxNumber().doubleValue()
        / reference.amaxNumber().doubleValue();
  }
}

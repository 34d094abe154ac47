package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** δ through ReLU, filter-major, with its per-filter sums: what ND4J's ReLU backward, a permute and a sum give. */
class FilterMajorDeltaTest {

  @Test
  void isNd4jsReluBackwardPermutedWithItsSums() {
    Nd4j.getRandom().setSeed(3);
    INDArray grad = Nd4j.rand(DataType.FLOAT, 7, 4, 5, 6).subi(0.5);
    INDArray z = Nd4j.rand(DataType.FLOAT, 7, 4, 5, 6).subi(0.5);
    z.putScalar(new long[] {0, 0, 0, 0}, 0f);  // z = +0 and −0 pass nothing, as ReLU's derivative there is 0
    z.putScalar(new long[] {0, 0, 0, 1}, -0f);
    z.putScalar(new long[] {0, 0, 0, 2}, Float.MIN_VALUE); // the smallest positive z passes
    INDArray expected = new ActivationReLU().backprop(z.dup(), grad.dup()).getFirst();
    INDArray delta = Nd4j.create(DataType.FLOAT, 4, 7, 5, 6);

    double[] sums = FilterMajorDelta.write(grad, z, delta);

    assertEquals(expected.permute(1, 0, 2, 3), delta);
    assertEquals(0f, delta.getFloat(0, 0, 0, 0));
    assertEquals(0f, delta.getFloat(0, 0, 0, 1));
    assertEquals(grad.getFloat(0, 0, 0, 2), delta.getFloat(0, 0, 0, 2));
    INDArray expectedSums = expected.castTo(DataType.DOUBLE).sum(0, 2, 3);
    for (int f = 0; f < 4; f++) {
      assertEquals(expectedSums.getDouble(f), sums[f], 1e-9, "filter " + f);
    }
  }

  @Test
  void withoutAPreActivationDeltaIsTheOutputGradient() {
    INDArray grad = Nd4j.rand(DataType.FLOAT, 3, 2, 4, 4).subi(0.5);
    INDArray delta = Nd4j.create(DataType.FLOAT, 2, 3, 4, 4);
    double[] sums = FilterMajorDelta.write(grad, null, delta);
    assertEquals(grad.permute(1, 0, 2, 3), delta);
    assertEquals(grad.castTo(DataType.DOUBLE).sum(0, 2, 3).getDouble(1), sums[1], 1e-9);
  }

  /** Relief's networks build ReLU from DL4J's enum: that ReLU takes the one-pass path. */
  @Test
  void theReluOfReliefsNetworksIsThePlainOne() {
    assertTrue(InputConvolutionLayer.isPlainRelu(Activation.RELU.getActivationFunction()));
    assertFalse(InputConvolutionLayer.isPlainRelu(new ActivationReLU(6.0, null, null)), "capped");
    assertFalse(InputConvolutionLayer.isPlainRelu(new ActivationReLU(null, null, 0.1)), "leaky");
  }

  @Test
  void refusesADestinationOfAnotherShape() {
    INDArray grad = Nd4j.zeros(DataType.FLOAT, 3, 2, 4, 4);
    assertThrows(IllegalArgumentException.class, () -> FilterMajorDelta.write(grad, null, Nd4j.zeros(DataType.FLOAT, 3, 2, 4, 4)));
  }
}

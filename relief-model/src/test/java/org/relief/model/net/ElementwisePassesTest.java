package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Vector API's elementwise passes give the plain-Java passes' bits, signed zeros and NaN
 * included, on lengths that end inside a vector and on lengths shorter than one.
 */
class ElementwisePassesTest {
  private final ElementwisePasses scalar = new ScalarElementwisePasses();
  private final ElementwisePasses vector = new VectorElementwisePasses();

  @Test
  void theTestJvmRunsTheVectorPasses() {
    assertInstanceOf(VectorElementwisePasses.class, ElementwisePasses.fastest(),
        "the tests start the JVM with --add-modules=jdk.incubator.vector, as submit/relief does");
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 37, 1000, 120 * 16 * 32 + 3})
  void vectorPassesGiveThePlainJavaBits(int length) {
    INDArray z = values(length, 11);
    INDArray v = values(length, 12);
    assertSameBits(out -> scalar.gate(z, null, out), out -> vector.gate(z, null, out), length, "ReLU");
    assertSameBits(out -> scalar.gate(z, v, out), out -> vector.gate(z, v, out), length, "gate");
    assertSameBits(out -> scalar.addAndRectify(z, v, out), out -> vector.addAndRectify(z, v, out), length, "add + ReLU");
  }

  @Test
  void theGateClosesOnBothZerosAndReluGivesPlusZero() {
    INDArray z = Nd4j.createFromArray(new float[] {-0f, 0f, 1e-45f, -1e-45f, 2f, -2f, 0f, 3f, -0f, 1f, 1f, 1f, 1f, 1f,
        1f, 1f, 1f, 1f}).reshape(1, 18);
    INDArray v = Nd4j.createFromArray(new float[18]).addi(7f).reshape(1, 18);
    INDArray gated = Nd4j.create(DataType.FLOAT, 1, 18);
    vector.gate(z, v, gated);
    assertArrayEquals(new float[] {0, 0, 7, 0, 7, 0, 0, 7, 0, 7, 7, 7, 7, 7, 7, 7, 7, 7}, gated.data().asFloat());
    INDArray relu = Nd4j.create(DataType.FLOAT, 1, 18);
    vector.gate(z, null, relu);
    assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(relu.getFloat(0)), "ReLU(−0) is +0");
  }

  private interface Pass {
    void into(INDArray out);
  }

  private static void assertSameBits(Pass expected, Pass got, int length, String what) {
    INDArray a = Nd4j.create(DataType.FLOAT, 1, length);
    INDArray b = Nd4j.create(DataType.FLOAT, 1, length);
    expected.into(a);
    got.into(b);
    int[] want = bits(a);
    int[] have = bits(b);
    assertArrayEquals(want, have, what + " over " + length + " values");
  }

  private static int[] bits(INDArray a) {
    float[] f = a.data().asFloat();
    int[] bits = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      bits[i] = Float.floatToRawIntBits(f[i]);
    }
    return bits;
  }

  /** Gaussian values with signed zeros, NaN and infinities sprinkled in. */
  private static INDArray values(int length, long seed) {
    Nd4j.getRandom().setSeed(seed);
    float[] f = Nd4j.randn(DataType.FLOAT, length).data().asFloat();
    float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
    for (int i = 0; i < length; i += 7) {
      f[i] = specials[(i / 7) % specials.length];
    }
    return Nd4j.createFromArray(f).reshape(1, length);
  }
}

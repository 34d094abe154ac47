package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@code float64} spec (the conformance check's) builds the same network in double precision:
 * same layers, same parameter layout and initial values, forward passes in double.
 */
class Float64NetworkTest {

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "vgg-like", "resnet20"})
  void theSameNetworkRunsInDoublePrecision(String id) {
    Architecture architecture = Architecture.fromId(id);
    int channels = id.equals("lenet5") ? 1 : 3;
    int size = id.equals("lenet5") ? 28 : 32;
    NetworkSpec spec = new NetworkSpec(architecture, channels, size, size, 10, 7);
    ReliefNetwork single = spec.build();
    ReliefNetwork dbl = spec.inFloat64().build();

    assertEquals(DataType.DOUBLE, dbl.dl4j().params().dataType());
    assertEquals(single.topology().toString(), dbl.topology().toString());
    assertArrayEquals(single.params(), dbl.params(), "same initial values, read back as float32");

    float[] changed = single.params();
    changed[0] = 0.125f;
    changed[changed.length - 1] = -3f;
    dbl.setParams(changed);
    assertArrayEquals(changed, dbl.params());
    single.setParams(changed);

    Nd4j.getRandom().setSeed(3);
    INDArray x = Nd4j.rand(DataType.FLOAT, spec.batchShape(2));
    String last = single.topology().layers().get(single.topology().layers().size() - 1).name();
    double[] expected;
    try (ForwardPass a = single.forward(x, List.of(last))) {
      expected = a.get(last).output().reshape(-1).toDoubleVector();
    }
    try (ForwardPass b = dbl.forward(x.castTo(DataType.DOUBLE), List.of(last))) {
      INDArray out = b.get(last).output();
      assertEquals(DataType.DOUBLE, out.dataType());
      double[] actual = out.reshape(-1).toDoubleVector();
      for (int k = 0; k < expected.length; k++) {
        assertEquals(expected[k], actual[k], 1e-4 * (1 + Math.abs(expected[k])), "output " + k);
      }
    }
  }
}

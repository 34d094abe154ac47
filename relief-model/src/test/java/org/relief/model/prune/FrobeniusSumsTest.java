package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;

/**
 * The two ways to the Frobenius statistics agree: Grams per plane on the Vector API
 * ({@link PlaneGrams}, what the build and the scripts run) and samples in lanes in plain Java
 * ({@link PatchGrams}, a JVM without the module). {@code ActivityCollectorTest} checks the default
 * path against direct loops.
 */
class FrobeniusSumsTest {

  /** Surefire, {@code submit/relief} and the Spark settings all add the module: dropping it costs speed silently. */
  @Test
  void theBuildRunsWithTheVectorApi() {
    assertTrue(VectorModule.PRESENT, "--add-modules=jdk.incubator.vector missing from the JVM's flags");
  }

  @ParameterizedTest
  @CsvSource({
      "lenet5, 1, 28, conv2, 7",          // 5×5, no padding, 12×12 maps
      "resnet20, 3, 32, layer1.0.conv1, 5", // 3×3, padding 1, 32×32
      "resnet20, 3, 32, layer3.1.conv2, 9", // 8×8: narrower than a vector
      "vgg-like, 3, 32, features.40, 3",   // 2×2 maps, 512 channels
      "vgg-like, 3, 64, features.0, 2"})   // 64×64 (Tiny-ImageNet), 3 channels
  void planeGramsOnTheVectorApiGiveThePlainJavaSums(String id, int channels, int size, String name, int examples) {
    NetworkSpec spec = new NetworkSpec(Architecture.fromId(id), channels, size, size, 10, 4);
    ReliefNetwork network = spec.build();
    INDArray images = PruningStepTest.randomImages(spec, examples, 11).subi(0.5);
    PrunableLayer layer = network.topology().layer(name);
    INDArray input = network.forward(images, List.of(name)).get(name).input().dup();
    double[] lanes = new double[layer.outputs() * layer.inputs()];
    double[] planes = new double[lanes.length];

    new FrobeniusSums(layer, network.weights(name), false).add(input, lanes);
    new FrobeniusSums(layer, network.weights(name), true).add(input, planes);

    double largest = 0;
    for (double v : lanes) {
      largest = Math.max(largest, v);
    }
    assertTrue(largest > 0, "statistics to compare");
    for (int k = 0; k < lanes.length; k++) {
      assertEquals(lanes[k], planes[k], 2e-6 * largest, name + " entry " + k);
    }
  }
}

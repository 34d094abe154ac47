package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.net.Architecture;
import org.relief.model.net.ForwardPass;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;

/** The collector's sums against direct loops over the same activations. */
class ActivityCollectorTest {

  @Test
  void frobeniusSumsEqualPerSampleNormsOfTheAbsoluteCorrelation() {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 3);
    ReliefNetwork network = spec.build();
    INDArray images = PruningStepTest.randomImages(spec, 3, 8);
    LayerActivity act = collect(network, images, ConvScore.FROBENIUS, "conv2").layer("conv2");

    PrunableLayer conv2 = network.topology().layer("conv2");
    INDArray x = inputOf(network, images, "conv2"); // [3, 20, 12, 12]
    float[] w = network.weights("conv2");
    for (int j : new int[] {0, 17, 49}) {
      for (int i : new int[] {0, 5, 19}) {
        int kernel = (j * 20 + i) * 25;
        int channel = i;
        double total = 0;
        for (int n = 0; n < 3; n++) {
          int sample = n;
          total += Math.sqrt(DirectCorrelation.squaredNorm(conv2, (u, v) -> w[kernel + u * 5 + v],
              (h, x0) -> x.getDouble(sample, channel, h, x0)));
        }
        assertEquals(total / 3, act.meanFrobenius(j, i, 20), 1e-5 * total, "filter " + j + " channel " + i);
      }
    }
  }

  /**
   * A strided, padded ResNet convolution and a stride-1 one on 32×32 maps (patch Grams), and
   * VGG-like's last convolution (512 channels, 512 filters, 2×2 maps: pixel pairs) over 200
   * images, more than one block of lanes.
   */
  @ParameterizedTest
  @CsvSource({"resnet20, layer3.0.conv1, 4", "resnet20, layer1.0.conv1, 3", "vgg-like, features.40, 200"})
  void frobeniusSumsHoldForStridedPaddedAndWideLayers(String architecture, String layerName, int examples) {
    NetworkSpec spec = new NetworkSpec(Architecture.fromId(architecture), 3, 32, 32, 10, 5);
    ReliefNetwork network = spec.build();
    INDArray images = PruningStepTest.randomImages(spec, examples, 9).subi(0.5);
    LayerActivity act = collect(network, images, ConvScore.FROBENIUS, layerName).layer(layerName);

    PrunableLayer layer = network.topology().layer(layerName);
    INDArray x = inputOf(network, images, layerName);
    float[] w = network.weights(layerName);
    int c = layer.inputs();
    int kk = layer.weightsPerConnection();
    for (int j : new int[] {0, layer.outputs() / 2, layer.outputs() - 1}) {
      for (int i : new int[] {0, c / 3, c - 1}) {
        int kernel = (j * c + i) * kk;
        int channel = i;
        double total = 0;
        for (int n = 0; n < examples; n++) {
          int sample = n;
          total += Math.sqrt(DirectCorrelation.squaredNorm(layer, (u, v) -> w[kernel + u * layer.kernelW() + v],
              (h, x0) -> x.getDouble(sample, channel, h, x0)));
        }
        assertEquals(total / examples, act.meanFrobenius(j, i, c), 1e-5 * total / examples + 1e-12,
            layerName + " filter " + j + " channel " + i);
      }
    }
  }

  @Test
  void inputAndOutputSumsAreOverSamplesInDoublePrecision() {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET_300_100, 1, 28, 28, 10, 3);
    ReliefNetwork network = spec.build();
    INDArray images = PruningStepTest.randomImages(spec, 5, 1);
    ActivityStats stats = collect(network, images, ConvScore.SUM, "fc2", "fc3");
    INDArray fc2Input = inputOf(network, images, "fc2");

    for (int i : new int[] {0, 123, 299}) {
      double sum = 0;
      for (int n = 0; n < 5; n++) {
        sum += Math.abs(fc2Input.getDouble(n, i));
      }
      assertEquals(sum / 5, stats.layer("fc2").meanInputAbs(i), 1e-12);
    }
    assertEquals(5, stats.layer("fc3").samples());
  }

  /** Frobenius scores convolutions from per-sample norms alone: their input sums are not taken; dense layers keep theirs. */
  @Test
  void frobeniusConvolutionsCollectNoInputSums() {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 3);
    ReliefNetwork network = spec.build();
    INDArray images = PruningStepTest.randomImages(spec, 2, 4);
    ActivityStats stats = collect(network, images, ConvScore.FROBENIUS, "conv2", "fc1");

    assertFalse(stats.layer("conv2").hasInputSums());
    assertThrows(IllegalStateException.class, () -> stats.layer("conv2").meanInputAbs(0));
    assertTrue(stats.layer("conv2").hasFrobenius());
    assertTrue(stats.layer("fc1").hasInputSums());
    assertEquals(network.topology().layer("fc1").inputVolume(), stats.layer("fc1").inputVolume());
  }

  /** One batch through a fresh collector for {@code layers}. */
  private static ActivityStats collect(ReliefNetwork network, INDArray images, ConvScore score, String... layers) {
    ActivityCollector collector = new ActivityCollector(network, new ActivityRequest(List.of(layers), score));
    return collector.add(collector.newStats(), images).snapshot();
  }

  /** What the layer saw on the batch, copied out of the pass (whose arrays die with it). */
  private static INDArray inputOf(ReliefNetwork network, INDArray images, String layer) {
    try (ForwardPass io = network.forward(images, List.of(layer))) {
      return io.get(layer).input().detach();
    }
  }
}

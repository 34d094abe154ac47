package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;

/** The whole step on real (randomly initialised) LeNets. */
class PruningStepTest {

  static INDArray randomImages(NetworkSpec spec, int n, long seed) {
    Random random = new Random(seed);
    float[] values = new float[n * spec.inputVolume()];
    for (int k = 0; k < values.length; k++) {
      values[k] = random.nextFloat();
    }
    return Nd4j.create(values, spec.batchShape(n), 'c');
  }

  @ParameterizedTest
  @EnumSource(ConvScore.class)
  void statisticsMergedFromOneTwoAndSevenShardsGiveTheSameMasks(ConvScore score) {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 7);
    ReliefNetwork network = spec.build();
    INDArray images = randomImages(spec, 70, 3);
    PruningStep step = new PruningStep(new PruningSettings(0.9, 0.95, score));
    NetworkMasks full = NetworkMasks.full(network.topology());

    PruningStep.Outcome one = step.run(network, full, new LocalActivitySource(spec, images, 16, 1));
    PruningStep.Outcome two = step.run(network, full, new LocalActivitySource(spec, images, 16, 2));
    PruningStep.Outcome seven = step.run(network, full, new LocalActivitySource(spec, images, 16, 7));

    assertTrue(one.masks().keptWeights() < full.keptWeights(), "the step pruned something");
    assertEquals(one.masks(), two.masks());
    assertEquals(one.masks(), seven.masks());
    assertEquals(one.beforeBackward(), seven.beforeBackward());
  }

  @Test
  void prunedWeightsStayPrunedEvenIfTheirParametersAreLargeAgain() {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET_300_100, 1, 28, 28, 10, 1);
    ReliefNetwork network = spec.build();
    INDArray images = randomImages(spec, 50, 5);
    LocalActivitySource source = new LocalActivitySource(spec, images, 50, 1);
    PruningStep step = new PruningStep(new PruningSettings(1.0, 0.9, ConvScore.SUM));

    NetworkMasks first = step.run(network, NetworkMasks.full(network.topology()), source).masks();
    // make every parameter large and positive, as retraining without a mask would
    float[] params = network.params();
    java.util.Arrays.fill(params, 3f);
    network.setParams(params);
    NetworkMasks second = step.run(network, first, source).masks();

    assertEquals(second, second.and(first), "no weight pruned by the first step is kept by the second");
    assertTrue(second.keptWeights() < first.keptWeights());
  }

  @Test
  void alphaOneStillPrunesTheLeastImportantConnectionOfEveryLiveUnit() {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET_300_100, 1, 28, 28, 10, 2);
    ReliefNetwork network = spec.build();
    NetworkMasks full = NetworkMasks.full(network.topology());
    PruningStep.Outcome out = new PruningStep(new PruningSettings(1.0, 1.0, ConvScore.SUM))
        .run(network, full, new LocalActivitySource(spec, randomImages(spec, 40, 9), 40, 1));

    for (PrunableLayer layer : network.topology().layers()) {
      LayerMask mask = out.beforeBackward().layer(layer.name());
      for (int j = 0; j < layer.outputs(); j++) {
        int kept = mask.bias(j) ? 1 : 0;
        for (int i = 0; i < layer.inputs(); i++) {
          kept += mask.connection(j, i) ? 1 : 0;
        }
        assertTrue(kept <= layer.inputs(), layer.name() + " unit " + j + " kept all " + (layer.inputs() + 1) + " entries");
      }
    }
  }

  @Test
  void theStepDoesNotChangeTheNetworkItScores() {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 4);
    ReliefNetwork network = spec.build();
    float[] before = network.params();
    new PruningStep(new PruningSettings(0.9, 0.9, ConvScore.MEAN_L2))
        .run(network, NetworkMasks.full(network.topology()), new LocalActivitySource(spec, randomImages(spec, 8, 1), 8, 1));
    assertTrue(java.util.Arrays.equals(before, network.params()));
  }

  @Test
  void denseLayersAreScoredOnThePrunedFeatureExtractor() {
    // With pass 2 on the pruned convolutions the dense masks differ from scoring everything
    // in one pass on the unpruned network (the reference's reading; DESIGN.md "Two passes").
    NetworkSpec spec = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 11);
    ReliefNetwork network = spec.build();
    INDArray images = randomImages(spec, 30, 2);
    LocalActivitySource source = new LocalActivitySource(spec, images, 30, 1);
    PruningSettings settings = new PruningSettings(0.5, 0.9, ConvScore.SUM);
    NetworkMasks twoPass = new PruningStep(settings).run(network, NetworkMasks.full(network.topology()), source)
        .beforeBackward();

    ActivityStats onePass = source.collect(network.params(), new ActivityRequest(List.of("fc1"), ConvScore.SUM));
    PrunableLayer fc1 = network.topology().layer("fc1");
    LayerMask fc1OnePass = PruningStep.select(fc1, ConnectionScores.of(fc1, onePass.layer("fc1"),
        network.weights("fc1"), network.biases("fc1"), ConvScore.SUM), onePass.layer("fc1"), 0.9);
    assertNotEquals(fc1OnePass, twoPass.layer("fc1"));
    assertFalse(twoPass.layer("conv1").equals(LayerMask.full(network.topology().layer("conv1"))));
  }
}

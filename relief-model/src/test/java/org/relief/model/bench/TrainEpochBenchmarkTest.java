package org.relief.model.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.relief.model.metrics.NetworkCensus;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;

/** The benchmark trains with the masks of a pruned ResNet, not with a fresh network's. */
class TrainEpochBenchmarkTest {

  @Test
  void halfOfTheParametersArePrunedAndEveryPaddedShortcutChannelIsGatedOff() {
    NetworkSpec spec = new NetworkSpec(Architecture.fromId("resnet20"), 3, 32, 32, 10, 7);
    ReliefNetwork network = spec.build();

    NetworkMasks masks = TrainEpochBenchmark.halfPruned(network, 7);

    int closed = 0;
    for (PrunableLayer layer : network.topology().layers()) {
      if (!layer.hasResidual()) {
        continue;
      }
      LayerMask mask = masks.layer(layer.name());
      boolean[] gates = mask.gates();
      for (int k = 0; k < gates.length; k++) {
        assertEquals(layer.residual().sourceChannel(k) >= 0, gates[k], layer.name() + " channel " + k);
        closed += gates[k] ? 0 : 1;
      }
    }
    assertEquals(16 + 32, closed, "the padded halves of the 32- and 64-channel option-A shortcuts");
    long all = NetworkCensus.of(network.topology(), NetworkMasks.full(network.topology())).total();
    assertEquals(all / 2, NetworkCensus.of(network.topology(), masks).remaining(), "weights and biases left");
  }
}

package org.relief.model.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.relief.model.metrics.NetworkCensus;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;

/** The baselines keep exactly the budget they are given, only among survivors, by their own rule. */
class BaselinePrunerTest {
  private static final ReliefNetwork NET = Architecture.LENET5.build(new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 7));
  private static final NetworkMasks FULL = NetworkMasks.full(NET.topology());
  private static final long TOTAL = NetworkCensus.of(NET.topology(), FULL).total();

  private static long kept(NetworkMasks masks) {
    return NetworkCensus.of(NET.topology(), masks).remaining();
  }

  @ParameterizedTest
  @EnumSource(value = PrunerKind.class, names = {"MAGNITUDE_GLOBAL", "RANDOM"})
  void keepsExactlyTheBudgetAndOnlySurvivors(PrunerKind kind) {
    BaselinePruner pruner = new BaselinePruner(kind);
    NetworkMasks first = pruner.prune(NET, FULL, TOTAL / 2, 1);
    assertEquals(TOTAL / 2, kept(first));
    NetworkMasks second = pruner.prune(NET, first, TOTAL / 5, 2);
    assertEquals(TOTAL / 5, kept(second));
    assertEquals(second, second.and(first), "masks only shrink");
  }

  @Test
  void magnitudeGlobalKeepsTheLargestValuesOfTheWholeNetwork() {
    NetworkMasks masks = new BaselinePruner(PrunerKind.MAGNITUDE_GLOBAL).prune(NET, FULL, TOTAL / 10, 0);
    float smallestKept = Float.POSITIVE_INFINITY;
    float largestPruned = 0;
    for (PrunableLayer layer : NET.topology().layers()) {
      LayerMask m = masks.layer(layer.name());
      float[] w = NET.weights(layer.name());
      for (int k = 0; k < w.length; k++) {
        if (m.weight(k)) {
          smallestKept = Math.min(smallestKept, Math.abs(w[k]));
        } else {
          largestPruned = Math.max(largestPruned, Math.abs(w[k]));
        }
      }
    }
    assertTrue(smallestKept >= largestPruned, smallestKept + " < " + largestPruned);
  }

  @Test
  void magnitudeLayerKeepsTheSameShareOfEveryLayer() {
    NetworkMasks masks = new BaselinePruner(PrunerKind.MAGNITUDE_LAYER).prune(NET, FULL, TOTAL / 4, 0);
    for (PrunableLayer layer : NET.topology().layers()) {
      LayerMask m = masks.layer(layer.name());
      long size = m.weightCount() + m.biasCount();
      assertEquals(size / 4.0, m.keptWeights() + m.keptBiases(), 1.0, layer.name());
    }
    assertEquals(TOTAL / 4.0, kept(masks), NET.topology().layers().size());
  }

  @Test
  void randomIsFixedByItsSeed() {
    BaselinePruner random = new BaselinePruner(PrunerKind.RANDOM);
    assertEquals(random.prune(NET, FULL, TOTAL / 3, 42), random.prune(NET, FULL, TOTAL / 3, 42));
    assertNotEquals(random.prune(NET, FULL, TOTAL / 3, 42), random.prune(NET, FULL, TOTAL / 3, 43));
  }

  @Test
  void aBudgetAboveTheSurvivorsKeepsThemAll() {
    assertEquals(FULL, new BaselinePruner(PrunerKind.MAGNITUDE_GLOBAL).prune(NET, FULL, TOTAL + 10, 0));
  }

  @Test
  void nnreliefIsNotABaseline() {
    assertThrows(IllegalArgumentException.class, () -> new BaselinePruner(PrunerKind.NNRELIEF));
  }
}

package org.relief.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.PrunableLayer;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;

class NetworkCensusTest {
  private final NetworkTopology lenet300 = new NetworkSpec(Architecture.LENET_300_100, 1, 28, 28, 10, 1).build().topology();

  @Test
  void anUnprunedNetworkCountsEverything() {
    NetworkCensus c = NetworkCensus.of(lenet300, NetworkMasks.full(lenet300));
    assertEquals(266_610, c.total());
    assertEquals(266_610, c.remaining());
    assertEquals(100.0, c.remainingPercent(), 1e-12);
    assertEquals(1.0, c.compressionRatio(), 1e-12);
    assertEquals(2L * (784 * 300 + 300 * 100 + 100 * 10), c.flops());
    assertEquals("fc1:300 fc2:100 fc3:10", c.architecture());
  }

  @Test
  void removedUnitsShrinkArchitectureAndFlops() {
    PrunableLayer fc2 = lenet300.layer("fc2");
    boolean[] removed = new boolean[100];
    Arrays.fill(removed, 0, 40, true); // 40 of fc2's neurons go
    LayerMask fc2Mask = LayerMask.full(fc2).withoutUnits(removed);
    NetworkMasks masks = NetworkMasks.full(lenet300).with(List.of(fc2Mask));

    NetworkCensus c = NetworkCensus.of(lenet300, masks);

    assertEquals(266_610 - 40 * 301, c.remaining());
    assertEquals("fc1:300 fc2:60 fc3:10", c.architecture());
    // fc3 still reads all 100 inputs through its own mask; fc2 now has 60 live units
    assertEquals(2L * (784 * 300 + 300 * 60 + 100 * 10), c.flops());
    assertEquals(266_610.0 / (266_610 - 40 * 301), c.compressionRatio(), 1e-12);
  }
}

package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.relief.model.net.LayerKind;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.PrunableLayer;

/** DESIGN.md "Backward pass": units nothing reads lose their incoming connections and bias. */
class BackwardWalkTest {
  // c1 (2 filters, 1x1) → c2 (2 filters, 1x1) → flatten 2x2 → d (8 inputs, 2 outputs)
  private final PrunableLayer c1 = new PrunableLayer("c1", LayerKind.CONV, 0, 2, 1, 1, 1, 1, 1, 0, 0, 2, 2, 2, 2, false);
  private final PrunableLayer c2 = new PrunableLayer("c2", LayerKind.CONV, 1, 2, 2, 1, 1, 1, 1, 0, 0, 2, 2, 2, 2, false);
  private final PrunableLayer d = PrunableLayer.dense("d", 2, 8, 2, true);
  private final NetworkTopology topology = NetworkTopology.chain(List.of(c1, c2, d));

  @Test
  void theFlattenMapsEachFilterToItsBlockOfDenseInputs() {
    assertEquals(4, topology.feedsFrom("c2").get(0).unitSpan());
    assertEquals(1, topology.feedsFrom("c1").get(0).unitSpan());
  }

  @Test
  void removalsCascadeFromDenseThroughTheFlattenIntoEarlierConvolutions() {
    // d reads only the four positions of c2's channel 1
    boolean[] dw = new boolean[16];
    for (int j = 0; j < 2; j++) {
      for (int i = 4; i < 8; i++) {
        dw[j * 8 + i] = true;
      }
    }
    // c2's filter 1 reads only c1's channel 1; c2's filter 0 reads both
    boolean[] c2w = {true, true, false, true};
    NetworkMasks masks = NetworkMasks.full(topology).with(List.of(
        LayerMask.of(d, dw, new boolean[] {true, true}),
        LayerMask.of(c2, c2w, new boolean[] {true, true})));

    NetworkMasks walked = BackwardWalk.apply(topology, masks);

    LayerMask c2After = walked.layer("c2");
    assertFalse(c2After.unitAlive(0), "c2 filter 0 feeds no surviving dense weight");
    assertTrue(c2After.unitAlive(1));
    LayerMask c1After = walked.layer("c1");
    assertFalse(c1After.unitAlive(0), "c1 filter 0 was read only by the removed c2 filter 0");
    assertTrue(c1After.unitAlive(1));
    assertEquals(masks.layer("d"), walked.layer("d"), "the output layer is never touched");
  }

  @Test
  void aUnitReadByAnyConsumerSurvives() {
    NetworkMasks full = NetworkMasks.full(topology);
    assertEquals(full, BackwardWalk.apply(topology, full));
  }
}

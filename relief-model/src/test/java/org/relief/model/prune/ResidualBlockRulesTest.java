package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.relief.model.net.LayerKind;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.Residual;

/**
 * DESIGN.md "Residual blocks" on a hand-built block: stem s (2 filters) → block conv1 c1 (2 → 2)
 * → conv2 c2 (2 → 2, plus the gated shortcut from s) → dense d (reads c2's 2 channels). All
 * 1×1 maps and no conv biases, as in the reference's ResNets.
 */
class ResidualBlockRulesTest {
  private final PrunableLayer s = conv("s", 2, 1);
  private final PrunableLayer c1 = conv("c1", 2, 2);
  private final PrunableLayer c2 = conv("c2", 2, 2).withResidual(new Residual("c2.shortcut", "s", 0, 2));
  private final PrunableLayer d = PrunableLayer.dense("d", 3, 2, 2, true);
  private final NetworkTopology topology = new NetworkTopology(List.of(s, c1, c2, d), List.of(
      new org.relief.model.net.Feed("s", "c1", 1), new org.relief.model.net.Feed("c1", "c2", 1),
      new org.relief.model.net.Feed("c2", "d", 1)));

  private static PrunableLayer conv(String name, int out, int in) {
    return new PrunableLayer(name, LayerKind.CONV, 0, out, in, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, false).withoutBias();
  }

  @Test
  void aWeakBranchLosesItsFilterAndAWeakShortcutItsChannelAtAlphaPointNine() {
    // (1 − 0.9) / 0.9 = 1/9 ≈ 0.111: channel 0 balanced, 1 branch/shortcut = 0.1, 2 shortcut/branch = 0.05,
    // 3 a zero-padded shortcut channel (option A), 4 both zero (0/0: nothing happens)
    PrunableLayer wide = conv("c2", 5, 2).withResidual(new Residual("c2.shortcut", "s", 0, 2));
    NetworkTopology t = new NetworkTopology(List.of(wide), List.of());
    MutableActivityStats stats = new MutableActivityStats(t, new ActivityRequest(List.of("c2"), ConvScore.MEAN_L2));
    LayerActivity a = stats.add("c2", 1, new double[] {1, 1}, TinyLayers.filled(5, 1), null,
        new double[] {1, 0.1, 1, 1, 0}, new double[] {1, 1, 0.05, 0, 0}).snapshot().layer("c2");

    LayerMask after = PruningStep.residualRule(LayerMask.full(wide), a, 0.9);

    assertTrue(after.unitAlive(0) && after.gate(0), "balanced channel untouched");
    assertFalse(after.unitAlive(1), "branch/shortcut 0.1 < 1/9: the filter goes");
    assertTrue(after.gate(1), "... and its shortcut channel stays");
    assertFalse(after.unitRemoved(1), "so the channel is not removed and keeps its BatchNorm (as the reference)");
    assertTrue(after.unitAlive(2) && !after.gate(2), "shortcut/branch 0.05 < 1/9: the shortcut channel closes");
    assertTrue(after.unitAlive(3) && !after.gate(3), "a zero-padded shortcut channel (0/x) closes");
    assertTrue(after.unitAlive(4) && after.gate(4), "0/0 is NaN: nothing is removed");
  }

  @Test
  void theRatioMustBeStrictlyBelowTheLimit() {
    PrunableLayer one = conv("c2", 1, 2).withResidual(new Residual("c2.shortcut", "s", 0, 1));
    NetworkTopology t = new NetworkTopology(List.of(one), List.of());
    MutableActivityStats stats = new MutableActivityStats(t, new ActivityRequest(List.of("c2"), ConvScore.MEAN_L2));
    // alpha 0.5: the limit is 1; a ratio of exactly 1 removes nothing
    LayerActivity a = stats.add("c2", 1, new double[] {1, 1}, new double[] {1}, null, new double[] {2}, new double[] {2})
        .snapshot().layer("c2");
    assertEquals(LayerMask.full(one), PruningStep.residualRule(LayerMask.full(one), a, 0.5));
  }

  @Test
  void aDeadBlockOutputLosesItsFilterAndItsShortcutChannel() {
    MutableActivityStats stats = new MutableActivityStats(topology, new ActivityRequest(List.of("c2"), ConvScore.MEAN_L2));
    LayerActivity a = stats.add("c2", 1, new double[] {1, 1}, new double[] {0, 3}, null, new double[] {1, 1},
        new double[] {1, 1}).snapshot().layer("c2");
    ConnectionScores scores = ConnectionScores.of(c2, a, new float[] {1, 1, 3, 1}, new float[0], ConvScore.MEAN_L2);

    LayerMask m = PruningStep.select(c2, scores, a, 0.9);

    assertTrue(m.unitRemoved(0), "output 0 is zero on every sample: filter and shortcut channel go");
    assertFalse(m.gate(0));
    assertTrue(m.gate(1) && m.unitAlive(1));
  }

  @Test
  void theBackwardWalkFollowsShortcutsIntoEarlierBlocks() {
    // d reads only c2's channel 0; c2's filter 0 reads only c1's channel 0; c1 reads only s's channel 0
    NetworkMasks masks = NetworkMasks.full(topology).with(List.of(
        LayerMask.of(d, new boolean[] {true, false, true, false}, new boolean[] {true, true}),
        LayerMask.of(c2, new boolean[] {true, false, true, true}, new boolean[0]),
        LayerMask.of(c1, new boolean[] {true, false, true, false}, new boolean[0])));

    NetworkMasks walked = BackwardWalk.apply(topology, masks);

    LayerMask c2After = walked.layer("c2");
    assertTrue(c2After.unitRemoved(1), "channel 1 of the block output is read by nobody: filter and shortcut go");
    assertFalse(c2After.unitRemoved(0));
    assertFalse(walked.layer("c1").unitAlive(1), "c1's filter 1 was read only by c2's removed filter");
    assertFalse(walked.layer("s").unitAlive(1), "s's channel 1: c1 does not read it and its shortcut channel closed");
    assertTrue(walked.layer("s").unitAlive(0));
  }

  @Test
  void aChannelCarriedOnlyByTheShortcutSurvivesTheWalk() {
    // c1 reads nothing of s's channel 1, but the shortcut carries it to the block output, which d reads
    NetworkMasks masks = NetworkMasks.full(topology).with(List.of(
        LayerMask.of(c1, new boolean[] {true, false, true, false}, new boolean[0])));

    NetworkMasks walked = BackwardWalk.apply(topology, masks);

    assertTrue(walked.layer("s").unitAlive(1));
    assertEquals(masks, walked);
  }

  @Test
  void removedChannelsHaveTheirBatchNormZeroedButAFilterKeptAliveByItsShortcutDoesNot() {
    boolean[] onlyFilter1 = {false, true};
    LayerMask m = LayerMask.full(c2).withoutFilters(onlyFilter1);
    assertFalse(m.unitAlive(1));
    assertFalse(m.unitRemoved(1), "its shortcut is open");
    assertTrue(m.withoutUnits(onlyFilter1).unitRemoved(1));
  }
}

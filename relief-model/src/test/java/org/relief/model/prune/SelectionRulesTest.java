package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.relief.model.net.PrunableLayer;

/** Scores plus selection for one layer: dead units, a winning bias, whole kernel slices. */
class SelectionRulesTest {

  @Test
  void aDeadNeuronLosesAllItsConnectionsAndItsBias() {
    PrunableLayer layer = PrunableLayer.dense("fc", 0, 3, 2, false);
    float[] w = {1, 2, 3, /* unit 1 */ 1, 2, 3};
    float[] b = {5, 5};
    // unit 0's ReLU output was 0 on every sample; unit 1 is alive
    LayerActivity act = TinyLayers.activity(layer, new double[] {1, 1, 1}, new double[] {0, 4});

    LayerMask mask = PruningStep.select(layer, ConnectionScores.of(layer, act, w, b, ConvScore.SUM), act, 0.5);

    assertArrayEquals(new boolean[] {false, false, false}, row(mask, 0));
    assertFalse(mask.bias(0));
    // unit 1: scores {1, 2, 3, bias 5}, total 11, alpha·S = 5.5: prefix {5, 3} → keeps bias and input 2
    assertArrayEquals(new boolean[] {false, false, true}, row(mask, 1));
    assertTrue(mask.bias(1));
  }

  @Test
  void aBiasThatCarriesTheActivityIsTheOnlyConnectionKept() {
    PrunableLayer layer = PrunableLayer.dense("fc", 0, 3, 1, false);
    LayerActivity act = TinyLayers.activity(layer, new double[] {1, 1, 1}, new double[] {2});
    // scores {0.1, 0.1, 0.1, bias 5}: the bias alone reaches 0.9 of 5.3
    LayerMask mask = PruningStep.select(layer,
        ConnectionScores.of(layer, act, new float[] {0.1f, -0.1f, 0.1f}, new float[] {-5f}, ConvScore.SUM), act, 0.9);

    assertArrayEquals(new boolean[] {false, false, false}, row(mask, 0));
    assertTrue(mask.bias(0));
  }

  @Test
  void denseScoresAreAbsoluteWeightTimesMeanAbsoluteInput() {
    PrunableLayer layer = PrunableLayer.dense("fc", 0, 2, 1, false);
    LayerActivity act = TinyLayers.activity(layer, new double[] {0.5, 4}, new double[] {1});
    double[] s = ConnectionScores.of(layer, act, new float[] {-2f, 0.25f}, new float[] {-3f}, ConvScore.SUM).unit(0);
    assertArrayEquals(new double[] {1.0, 1.0, 3.0}, s, 1e-15);
  }

  @Test
  void aDeadFilterLosesEveryKernelSliceAndItsBias() {
    PrunableLayer layer = TinyLayers.conv("conv", 2, 2, 3, 1, 1, 4);
    float[] w = new float[2 * 2 * 9];
    java.util.Arrays.fill(w, 1f);
    LayerActivity act = TinyLayers.activity(layer, TinyLayers.filled(2 * 16, 1.0), new double[] {7, 0});

    LayerMask mask = PruningStep.select(layer, ConnectionScores.of(layer, act, w, new float[] {1, 1}, ConvScore.SUM), act, 0.9);

    assertFalse(mask.unitAlive(1), "filter 1 had zero output everywhere");
    assertTrue(mask.unitAlive(0));
    for (int k = 0; k < 9; k++) {
      assertEquals(mask.weight(0), mask.weight(k), "a kernel slice is kept or pruned whole");
    }
  }

  @Test
  void convSumAndMeanL2MatchADirectCorrelationWithStrideAndPadding() {
    // 1 filter, 2 channels, 3x3 kernel, stride 2, padding 1 on a 5x5 map → 3x3 output
    PrunableLayer layer = TinyLayers.conv("conv", 1, 2, 3, 2, 1, 5);
    assertEquals(3, layer.outH());
    double[] meanAbs = new double[2 * 25];
    for (int k = 0; k < meanAbs.length; k++) {
      meanAbs[k] = (k * 7 % 11) / 10.0;
    }
    float[] w = new float[18];
    for (int k = 0; k < w.length; k++) {
      w[k] = (k % 5 - 2) / 4f;
    }
    LayerActivity act = TinyLayers.activity(layer, meanAbs, new double[] {1});

    double[] sum = ConnectionScores.of(layer, act, w, new float[] {0.5f}, ConvScore.SUM).unit(0);
    double[] l2 = ConnectionScores.of(layer, act, w, new float[] {0.5f}, ConvScore.MEAN_L2).unit(0);
    for (int i = 0; i < 2; i++) {
      double s = 0;
      double sq = 0;
      for (int oh = 0; oh < 3; oh++) {
        for (int ow = 0; ow < 3; ow++) {
          double c = 0;
          for (int u = 0; u < 3; u++) {
            for (int v = 0; v < 3; v++) {
              int h = oh * 2 + u - 1;
              int x = ow * 2 + v - 1;
              if (h >= 0 && h < 5 && x >= 0 && x < 5) {
                c += Math.abs(w[i * 9 + u * 3 + v]) * meanAbs[i * 25 + h * 5 + x];
              }
            }
          }
          s += c;
          sq += c * c;
        }
      }
      assertEquals(s, sum[i], 1e-12, "sum variant, channel " + i);
      assertEquals(Math.sqrt(sq), l2[i], 1e-12, "mean-l2 variant, channel " + i);
    }
    assertEquals(0.5 * 9, sum[2], 1e-12, "sum: bias |b|·Ho·Wo");
    assertEquals(0.5 * 3, l2[2], 1e-12, "mean-l2: bias |b|·sqrt(Ho·Wo)");
  }

  private static boolean[] row(LayerMask mask, int unit) {
    boolean[] r = new boolean[mask.inputs()];
    for (int i = 0; i < r.length; i++) {
      r[i] = mask.connection(unit, i);
    }
    return r;
  }
}

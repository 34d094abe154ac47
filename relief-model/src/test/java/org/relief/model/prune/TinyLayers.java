package org.relief.model.prune;

import java.util.List;
import org.relief.model.net.LayerKind;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.PrunableLayer;

/** Small hand-sized layers and statistics for rule tests. */
final class TinyLayers {
  private TinyLayers() {}

  static PrunableLayer conv(String name, int out, int in, int k, int stride, int pad, int inSize) {
    int outSize = (inSize + 2 * pad - k) / stride + 1;
    return new PrunableLayer(name, LayerKind.CONV, 0, out, in, k, k, stride, stride, pad, pad, inSize, inSize,
        outSize, outSize, false);
  }

  /** Statistics of one layer with the given per-input mean |x| and per-unit output sums (one sample). */
  static LayerActivity activity(PrunableLayer layer, double[] meanInputAbs, double[] activeSamples) {
    NetworkTopology topology = new NetworkTopology(List.of(layer), List.of());
    MutableActivityStats stats = new MutableActivityStats(topology, new ActivityRequest(List.of(layer.name()), ConvScore.SUM));
    return stats.add(layer.name(), 1, meanInputAbs, activeSamples, null).snapshot().layer(layer.name());
  }

  static double[] filled(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}

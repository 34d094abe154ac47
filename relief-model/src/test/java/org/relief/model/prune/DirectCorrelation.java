package org.relief.model.prune;

import org.relief.model.net.PrunableLayer;

/** ‖|K| ⋆ |x|‖² the plain way, at the layer's stride and padding: what the factorised forms must equal. */
final class DirectCorrelation {
  private DirectCorrelation() {}

  /** The value at (row, column) of a kernel slice or of one input map. */
  interface Grid {
    double at(int row, int column);
  }

  static double squaredNorm(PrunableLayer layer, Grid kernel, Grid map) {
    double squares = 0;
    for (int oh = 0; oh < layer.outH(); oh++) {
      for (int ow = 0; ow < layer.outW(); ow++) {
        double c = 0;
        for (int u = 0; u < layer.kernelH(); u++) {
          for (int v = 0; v < layer.kernelW(); v++) {
            int h = oh * layer.strideH() + u - layer.padH();
            int w = ow * layer.strideW() + v - layer.padW();
            if (h >= 0 && h < layer.inH() && w >= 0 && w < layer.inW()) {
              c += Math.abs(kernel.at(u, v)) * Math.abs(map.at(h, w));
            }
          }
        }
        squares += c * c;
      }
    }
    return squares;
  }
}

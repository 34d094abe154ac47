package org.relief.model.prune;

import org.relief.model.net.PrunableLayer;

/**
 * The importance score of every connection of one layer, bias last (DESIGN.md "Fully
 * connected" and "Convolution"), in double precision.
 *
 * <ul>
 *   <li>dense: {@code s_ji = |W_ji| · mean_n|x_ni|}, bias {@code |b_j|};
 *   <li>{@code sum}: {@code s_ji = Σ_p (|K_ji| ⋆ mean_n|x_ni|)_p}, bias {@code |b_j|·Ho·Wo};
 *   <li>{@code mean-l2}: {@code s_ji = ‖|K_ji| ⋆ mean_n|x_ni|‖_2}, bias {@code |b_j|·√(Ho·Wo)};
 *   <li>{@code frobenius}: {@code s_ji = mean_n ‖|K_ji| ⋆ |x_ni|‖_F}, bias {@code |b_j|·√(Ho·Wo)}.
 * </ul>
 *
 * The correlation uses the layer's own stride and zero padding. A pruned weight is exactly 0,
 * so its contribution is 0. NaN weights or activations give NaN scores, which selection refuses.
 */
public final class ConnectionScores {
  private final PrunableLayer layer;
  private final double[] scores; // [outputs][scoresPerUnit]; null for a dense layer, whose rows are made on demand
  private final float[] denseWeights;
  private final float[] denseBiases;
  private final double[] denseMeanAbs;

  private ConnectionScores(PrunableLayer layer, double[] scores, float[] w, float[] b, double[] meanAbs) {
    this.layer = layer;
    this.scores = scores;
    this.denseWeights = w;
    this.denseBiases = b;
    this.denseMeanAbs = meanAbs;
  }

  /**
   * Scores a layer from its activity totals and its current (masked) parameters.
   *
   * @param weights canonical order, see {@link PrunableLayer}
   */
  public static ConnectionScores of(PrunableLayer layer, LayerActivity activity, float[] weights, float[] biases,
      ConvScore variant) {
    if (weights.length != layer.weightCount() || biases.length != layer.biasCount()) {
      throw new IllegalArgumentException("layer " + layer.name() + ": got " + weights.length + " weights and "
          + biases.length + " biases");
    }
    if ((activity.hasInputSums() && activity.inputVolume() != layer.inputVolume()) || activity.units() != layer.outputs()) {
      throw new IllegalArgumentException("layer " + layer.name() + ": statistics have the wrong shape");
    }
    if (!layer.isConv()) {
      double[] meanAbs = new double[layer.inputs()];
      for (int i = 0; i < meanAbs.length; i++) {
        meanAbs[i] = activity.meanInputAbs(i);
      }
      return new ConnectionScores(layer, null, weights, biases, meanAbs);
    }
    double[] scores = new double[layer.outputs() * layer.scoresPerUnit()];
    switch (variant) {
      case SUM -> convSum(layer, activity, weights, scores);
      case MEAN_L2 -> convMeanL2(layer, activity, weights, scores);
      case FROBENIUS -> convFrobenius(layer, activity, scores);
    }
    if (layer.bias()) {
      // the bias as a constant map: its sum over positions, or its L2 norm
      double positions = variant == ConvScore.SUM ? layer.outputPositions() : Math.sqrt(layer.outputPositions());
      int width = layer.scoresPerUnit();
      for (int j = 0; j < layer.outputs(); j++) {
        scores[j * width + layer.inputs()] = Math.abs((double) biases[j]) * positions;
      }
    }
    return new ConnectionScores(layer, scores, null, null, null);
  }

  public PrunableLayer layer() {
    return layer;
  }

  /** Scores of unit {@code j}'s connections, bias last if the layer has biases (a fresh array). */
  public double[] unit(int j) {
    int width = layer.scoresPerUnit();
    double[] row = new double[width];
    if (scores == null) {
      int in = layer.inputs();
      int base = j * in;
      for (int i = 0; i < in; i++) {
        row[i] = Math.abs((double) denseWeights[base + i]) * denseMeanAbs[i];
      }
      if (layer.bias()) {
        row[in] = Math.abs((double) denseBiases[j]);
      }
    } else {
      System.arraycopy(scores, j * width, row, 0, width);
    }
    return row;
  }

  /**
   * Σ over output positions of the correlation equals, per kernel offset (u, v), |K| times the
   * sum of mean|x| over the input positions that offset touches; so this costs O(F·C·k²).
   */
  private static void convSum(PrunableLayer layer, LayerActivity activity, float[] w, double[] scores) {
    int c = layer.inputs();
    int kk = layer.weightsPerConnection();
    double[] windows = new double[c * kk];
    for (int i = 0; i < c; i++) {
      for (int u = 0; u < layer.kernelH(); u++) {
        for (int v = 0; v < layer.kernelW(); v++) {
          double s = 0;
          for (int oh = 0; oh < layer.outH(); oh++) {
            int h = oh * layer.strideH() + u - layer.padH();
            if (h < 0 || h >= layer.inH()) {
              continue;
            }
            for (int ow = 0; ow < layer.outW(); ow++) {
              int x = ow * layer.strideW() + v - layer.padW();
              if (x >= 0 && x < layer.inW()) {
                s += activity.meanInputAbs((i * layer.inH() + h) * layer.inW() + x);
              }
            }
          }
          windows[i * kk + u * layer.kernelW() + v] = s;
        }
      }
    }
    int width = layer.scoresPerUnit();
    for (int j = 0; j < layer.outputs(); j++) {
      int row = j * width;
      for (int i = 0; i < c; i++) {
        int base = (j * c + i) * kk;
        double s = 0;
        for (int k = 0; k < kk; k++) {
          s += Math.abs((double) w[base + k]) * windows[i * kk + k];
        }
        scores[row + i] = s;
      }
    }
  }

  private static void convMeanL2(PrunableLayer layer, LayerActivity activity, float[] w, double[] scores) {
    int c = layer.inputs();
    int width = layer.scoresPerUnit();
    int kk = layer.weightsPerConnection();
    int positions = layer.outputPositions();
    java.util.stream.IntStream.range(0, c).parallel().forEach(i -> {
      double[] patches = new double[positions * kk];
      double[] absKernel = new double[kk];
      fillPatches(layer, activity, i, patches);
      for (int j = 0; j < layer.outputs(); j++) {
        int base = (j * c + i) * kk;
        for (int k = 0; k < kk; k++) {
          absKernel[k] = Math.abs((double) w[base + k]);
        }
        double squares = 0;
        for (int p = 0; p < positions; p++) {
          double dot = 0;
          for (int k = 0; k < kk; k++) {
            dot += patches[p * kk + k] * absKernel[k];
          }
          squares += dot * dot;
        }
        scores[j * width + i] = Math.sqrt(squares);
      }
    });
  }

  /** patches[p·k² + (u·kW + v)] = mean|x| of channel i under kernel offset (u, v) at output position p. */
  private static void fillPatches(PrunableLayer layer, LayerActivity activity, int channel, double[] patches) {
    int kk = layer.weightsPerConnection();
    for (int oh = 0; oh < layer.outH(); oh++) {
      for (int ow = 0; ow < layer.outW(); ow++) {
        int p = oh * layer.outW() + ow;
        for (int u = 0; u < layer.kernelH(); u++) {
          int h = oh * layer.strideH() + u - layer.padH();
          for (int v = 0; v < layer.kernelW(); v++) {
            int x = ow * layer.strideW() + v - layer.padW();
            boolean inside = h >= 0 && h < layer.inH() && x >= 0 && x < layer.inW();
            patches[p * kk + u * layer.kernelW() + v] =
                inside ? activity.meanInputAbs((channel * layer.inH() + h) * layer.inW() + x) : 0.0;
          }
        }
      }
    }
  }

  private static void convFrobenius(PrunableLayer layer, LayerActivity activity, double[] scores) {
    int c = layer.inputs();
    int width = layer.scoresPerUnit();
    for (int j = 0; j < layer.outputs(); j++) {
      for (int i = 0; i < c; i++) {
        scores[j * width + i] = activity.meanFrobenius(j, i, c);
      }
    }
  }
}

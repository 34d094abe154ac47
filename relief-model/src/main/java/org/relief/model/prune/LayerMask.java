package org.relief.model.prune;

import java.io.Serializable;
import java.util.Arrays;
import org.relief.model.net.PrunableLayer;

/**
 * Which weights and biases of one layer survive (true = kept), in the canonical order of
 * {@link PrunableLayer}. Immutable: every operation returns a new mask.
 */
public final class LayerMask implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String layer;
  private final int outputs;
  private final int inputs;
  private final int weightsPerConnection;
  private final boolean[] weights;
  private final boolean[] biases;

  private LayerMask(String layer, int outputs, int inputs, int weightsPerConnection, boolean[] weights, boolean[] biases) {
    if (weights.length != (long) outputs * inputs * weightsPerConnection || biases.length != outputs) {
      throw new IllegalArgumentException("mask of layer " + layer + ": expected " + (long) outputs * inputs * weightsPerConnection
          + " weights and " + outputs + " biases, got " + weights.length + " and " + biases.length);
    }
    this.layer = layer;
    this.outputs = outputs;
    this.inputs = inputs;
    this.weightsPerConnection = weightsPerConnection;
    this.weights = weights;
    this.biases = biases;
  }

  /** Every weight and bias kept. */
  public static LayerMask full(PrunableLayer layer) {
    boolean[] w = new boolean[Math.toIntExact(layer.weightCount())];
    boolean[] b = new boolean[layer.outputs()];
    Arrays.fill(w, true);
    Arrays.fill(b, true);
    return new LayerMask(layer.name(), layer.outputs(), layer.inputs(), layer.weightsPerConnection(), w, b);
  }

  /** A mask from explicit arrays (copied). */
  public static LayerMask of(PrunableLayer layer, boolean[] weights, boolean[] biases) {
    return new LayerMask(layer.name(), layer.outputs(), layer.inputs(), layer.weightsPerConnection(),
        weights.clone(), biases.clone());
  }

  /** A mask from raw dimensions and arrays (copied), e.g. read back from a file. */
  public static LayerMask of(String layer, int outputs, int inputs, int weightsPerConnection, boolean[] weights,
      boolean[] biases) {
    return new LayerMask(layer, outputs, inputs, weightsPerConnection, weights.clone(), biases.clone());
  }

  /** True if this mask fits the layer's shape. */
  public boolean fits(PrunableLayer l) {
    return layer.equals(l.name()) && outputs == l.outputs() && inputs == l.inputs()
        && weightsPerConnection == l.weightsPerConnection();
  }

  /** Takes ownership of the arrays; only for code in this package that just built them. */
  static LayerMask wrap(PrunableLayer layer, boolean[] weights, boolean[] biases) {
    return new LayerMask(layer.name(), layer.outputs(), layer.inputs(), layer.weightsPerConnection(), weights, biases);
  }

  public String layer() {
    return layer;
  }

  public int outputs() {
    return outputs;
  }

  public int inputs() {
    return inputs;
  }

  public int weightsPerConnection() {
    return weightsPerConnection;
  }

  public int weightCount() {
    return weights.length;
  }

  public boolean weight(int index) {
    return weights[index];
  }

  public boolean bias(int unit) {
    return biases[unit];
  }

  /** True if any weight of connection {@code input → unit} survives. */
  public boolean connection(int unit, int input) {
    int start = (unit * inputs + input) * weightsPerConnection;
    for (int w = 0; w < weightsPerConnection; w++) {
      if (weights[start + w]) {
        return true;
      }
    }
    return false;
  }

  /** True if the unit still has a surviving incoming connection, its bias included. */
  public boolean unitAlive(int unit) {
    if (biases[unit]) {
      return true;
    }
    int start = unit * inputs * weightsPerConnection;
    for (int k = start; k < start + inputs * weightsPerConnection; k++) {
      if (weights[k]) {
        return true;
      }
    }
    return false;
  }

  /** True if some unit keeps a weight reading from input {@code input}. */
  public boolean inputUsed(int input) {
    for (int unit = 0; unit < outputs; unit++) {
      if (connection(unit, input)) {
        return true;
      }
    }
    return false;
  }

  public long keptWeights() {
    long n = 0;
    for (boolean w : weights) {
      n += w ? 1 : 0;
    }
    return n;
  }

  public long keptBiases() {
    long n = 0;
    for (boolean b : biases) {
      n += b ? 1 : 0;
    }
    return n;
  }

  /** Units with a surviving incoming connection (DESIGN.md "Accounting": architecture). */
  public int aliveUnits() {
    int n = 0;
    for (int j = 0; j < outputs; j++) {
      n += unitAlive(j) ? 1 : 0;
    }
    return n;
  }

  /** Inputs some unit still reads from. */
  public int usedInputs() {
    int n = 0;
    for (int i = 0; i < inputs; i++) {
      n += inputUsed(i) ? 1 : 0;
    }
    return n;
  }

  /** Kept where both masks keep: masks only shrink (DESIGN.md "Masks only shrink"). */
  public LayerMask and(LayerMask other) {
    checkSameShape(other);
    boolean[] w = new boolean[weights.length];
    boolean[] b = new boolean[biases.length];
    for (int k = 0; k < w.length; k++) {
      w[k] = weights[k] && other.weights[k];
    }
    for (int j = 0; j < b.length; j++) {
      b[j] = biases[j] && other.biases[j];
    }
    return new LayerMask(layer, outputs, inputs, weightsPerConnection, w, b);
  }

  /** This mask with every incoming weight and the bias of the marked units pruned. */
  public LayerMask withoutUnits(boolean[] removed) {
    if (removed.length != outputs) {
      throw new IllegalArgumentException("layer " + layer + " has " + outputs + " units, got " + removed.length + " flags");
    }
    boolean[] w = weights.clone();
    boolean[] b = biases.clone();
    int fanIn = inputs * weightsPerConnection;
    for (int j = 0; j < outputs; j++) {
      if (removed[j]) {
        Arrays.fill(w, j * fanIn, (j + 1) * fanIn, false);
        b[j] = false;
      }
    }
    return new LayerMask(layer, outputs, inputs, weightsPerConnection, w, b);
  }

  /** A copy of the weight flags. */
  public boolean[] weights() {
    return weights.clone();
  }

  /** A copy of the bias flags. */
  public boolean[] biases() {
    return biases.clone();
  }

  void copyInto(float[] flat, int weightOffset, int biasOffset) {
    for (int k = 0; k < weights.length; k++) {
      flat[weightOffset + k] = weights[k] ? 1f : 0f;
    }
    for (int j = 0; j < biases.length; j++) {
      flat[biasOffset + j] = biases[j] ? 1f : 0f;
    }
  }

  /**
   * Zeroes the BatchNorm entries (gamma, beta, mean, variance at {@code batchNormOffsets}) of
   * every unit with no surviving incoming connection: a removed filter's BN is zeroed too
   * (DESIGN.md "Dead units"), so its output is exactly 0.
   */
  void zeroRemovedUnits(float[] flat, long[] batchNormOffsets) {
    for (int j = 0; j < outputs; j++) {
      if (!unitAlive(j)) {
        for (long offset : batchNormOffsets) {
          flat[Math.toIntExact(offset + j)] = 0f;
        }
      }
    }
  }

  void zeroPruned(float[] flat, int weightOffset, int biasOffset) {
    for (int k = 0; k < weights.length; k++) {
      if (!weights[k]) {
        flat[weightOffset + k] = 0f;
      }
    }
    for (int j = 0; j < biases.length; j++) {
      if (!biases[j]) {
        flat[biasOffset + j] = 0f;
      }
    }
  }

  void checkSameShape(LayerMask other) {
    if (!layer.equals(other.layer) || outputs != other.outputs || inputs != other.inputs
        || weightsPerConnection != other.weightsPerConnection) {
      throw new IllegalArgumentException("masks differ in shape: " + this + " vs " + other);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerMask m && layer.equals(m.layer) && outputs == m.outputs && inputs == m.inputs
        && weightsPerConnection == m.weightsPerConnection && Arrays.equals(weights, m.weights)
        && Arrays.equals(biases, m.biases);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * layer.hashCode() + Arrays.hashCode(weights)) + Arrays.hashCode(biases);
  }

  @Override
  public String toString() {
    return "LayerMask[" + layer + " " + outputs + "x" + inputs + "x" + weightsPerConnection
        + ", kept " + keptWeights() + "/" + weights.length + " weights, " + keptBiases() + "/" + outputs + " biases]";
  }
}

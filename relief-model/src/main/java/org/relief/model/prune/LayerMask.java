package org.relief.model.prune;

import java.io.Serializable;
import java.util.Arrays;
import org.relief.model.net.PrunableLayer;

/**
 * Which weights and biases of one layer survive (true = kept), in the canonical order of
 * {@link PrunableLayer}, and, for the second convolution of a residual block, which channels
 * of the shortcut joining its output stay open (the reference's per-channel shortcut mask).
 * Immutable: every operation returns a new mask.
 */
public final class LayerMask implements Serializable {
  private static final long serialVersionUID = 2L;
  private static final boolean[] NONE = new boolean[0];

  private final String layer;
  private final int outputs;
  private final int inputs;
  private final int weightsPerConnection;
  private final boolean[] weights;
  private final boolean[] biases; // one per unit, or empty for a layer without biases
  private final boolean[] gate; // one per output channel, or null without a shortcut

  private LayerMask(String layer, int outputs, int inputs, int weightsPerConnection, boolean[] weights, boolean[] biases,
      boolean[] gate) {
    if (weights.length != (long) outputs * inputs * weightsPerConnection
        || (biases.length != outputs && biases.length != 0) || (gate != null && gate.length != outputs)) {
      throw new IllegalArgumentException("mask of layer " + layer + ": expected " + (long) outputs * inputs * weightsPerConnection
          + " weights, " + outputs + " or no biases and " + outputs + " or no shortcut gates, got " + weights.length + ", "
          + biases.length + " and " + (gate == null ? "no" : gate.length));
    }
    this.layer = layer;
    this.outputs = outputs;
    this.inputs = inputs;
    this.weightsPerConnection = weightsPerConnection;
    this.weights = weights;
    this.biases = biases;
    this.gate = gate;
  }

  /** Every weight, bias and shortcut channel kept. */
  public static LayerMask full(PrunableLayer layer) {
    boolean[] w = new boolean[Math.toIntExact(layer.weightCount())];
    boolean[] b = new boolean[layer.biasCount()];
    Arrays.fill(w, true);
    Arrays.fill(b, true);
    boolean[] g = null;
    if (layer.hasResidual()) {
      g = new boolean[layer.outputs()];
      Arrays.fill(g, true);
    }
    return new LayerMask(layer.name(), layer.outputs(), layer.inputs(), layer.weightsPerConnection(), w, b, g);
  }

  /** A mask from explicit arrays (copied); {@code biases} empty for a layer without, full gates if it has a shortcut. */
  public static LayerMask of(PrunableLayer layer, boolean[] weights, boolean[] biases) {
    boolean[] g = null;
    if (layer.hasResidual()) {
      g = new boolean[layer.outputs()];
      Arrays.fill(g, true);
    }
    return of(layer.name(), layer.outputs(), layer.inputs(), layer.weightsPerConnection(), weights, biases, g);
  }

  /** A mask from raw dimensions and arrays (copied), e.g. read back from a file. */
  public static LayerMask of(String layer, int outputs, int inputs, int weightsPerConnection, boolean[] weights,
      boolean[] biases) {
    return of(layer, outputs, inputs, weightsPerConnection, weights, biases, null);
  }

  /** As {@link #of(String, int, int, int, boolean[], boolean[])}, with shortcut gates (null for none). */
  public static LayerMask of(String layer, int outputs, int inputs, int weightsPerConnection, boolean[] weights,
      boolean[] biases, boolean[] gate) {
    return new LayerMask(layer, outputs, inputs, weightsPerConnection, weights.clone(), biases.clone(),
        gate == null ? null : gate.clone());
  }

  /** True if this mask fits the layer's shape. */
  public boolean fits(PrunableLayer l) {
    return layer.equals(l.name()) && outputs == l.outputs() && inputs == l.inputs()
        && weightsPerConnection == l.weightsPerConnection() && biases.length == l.biasCount()
        && (gate != null) == l.hasResidual();
  }

  /** Takes ownership of the arrays; only for code in this package that just built them. */
  static LayerMask wrap(PrunableLayer layer, boolean[] weights, boolean[] biases, boolean[] gate) {
    return new LayerMask(layer.name(), layer.outputs(), layer.inputs(), layer.weightsPerConnection(), weights,
        biases.length == 0 ? NONE : biases, gate);
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

  /** Biases in the layer (kept or not): one per unit, or 0. */
  public int biasCount() {
    return biases.length;
  }

  public boolean hasGate() {
    return gate != null;
  }

  public boolean weight(int index) {
    return weights[index];
  }

  /** True if the unit's bias is kept; false for a layer without biases. */
  public boolean bias(int unit) {
    return biases.length != 0 && biases[unit];
  }

  /** True if shortcut channel {@code channel} is open. */
  public boolean gate(int channel) {
    if (gate == null) {
      throw new IllegalStateException("layer " + layer + " has no shortcut");
    }
    return gate[channel];
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
    if (bias(unit)) {
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

  /**
   * True if output channel {@code unit} is gone: no surviving incoming connection and no open
   * shortcut. Its BatchNorm is then zeroed; a filter removed by the residual rule while its
   * shortcut stays open keeps its BatchNorm, as in the reference.
   */
  public boolean unitRemoved(int unit) {
    return !unitAlive(unit) && (gate == null || !gate[unit]);
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
    return count(weights);
  }

  public long keptBiases() {
    return count(biases);
  }

  /** Open shortcut channels (0 without a shortcut). */
  public long keptGates() {
    return gate == null ? 0 : count(gate);
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
    return new LayerMask(layer, outputs, inputs, weightsPerConnection, and(weights, other.weights),
        and(biases, other.biases), gate == null ? null : and(gate, other.gate));
  }

  /** This mask with every incoming weight, the bias and the shortcut channel of the marked units pruned. */
  public LayerMask withoutUnits(boolean[] removed) {
    LayerMask m = withoutFilters(removed);
    if (gate == null) {
      return m;
    }
    return m.withoutGates(removed);
  }

  /** This mask with every incoming weight and the bias of the marked units pruned; shortcut gates untouched. */
  public LayerMask withoutFilters(boolean[] removed) {
    checkUnitFlags(removed);
    boolean[] w = weights.clone();
    boolean[] b = biases.clone();
    int fanIn = inputs * weightsPerConnection;
    for (int j = 0; j < outputs; j++) {
      if (removed[j]) {
        Arrays.fill(w, j * fanIn, (j + 1) * fanIn, false);
        if (b.length != 0) {
          b[j] = false;
        }
      }
    }
    return new LayerMask(layer, outputs, inputs, weightsPerConnection, w, b, gate);
  }

  /** This mask with the marked shortcut channels closed. */
  public LayerMask withoutGates(boolean[] closed) {
    checkUnitFlags(closed);
    if (gate == null) {
      throw new IllegalStateException("layer " + layer + " has no shortcut");
    }
    boolean[] g = gate.clone();
    for (int j = 0; j < outputs; j++) {
      g[j] &= !closed[j];
    }
    return new LayerMask(layer, outputs, inputs, weightsPerConnection, weights, biases, g);
  }

  /** A copy of the weight flags. */
  public boolean[] weights() {
    return weights.clone();
  }

  /** A copy of the bias flags (empty for a layer without biases). */
  public boolean[] biases() {
    return biases.clone();
  }

  /** A copy of the shortcut gates, or null without a shortcut. */
  public boolean[] gates() {
    return gate == null ? null : gate.clone();
  }

  void copyInto(float[] flat, int weightOffset, int biasOffset, int gateOffset) {
    for (int k = 0; k < weights.length; k++) {
      flat[weightOffset + k] = weights[k] ? 1f : 0f;
    }
    for (int j = 0; j < biases.length; j++) {
      flat[biasOffset + j] = biases[j] ? 1f : 0f;
    }
    if (gate != null) {
      for (int j = 0; j < gate.length; j++) {
        flat[gateOffset + j] = gate[j] ? 1f : 0f;
      }
    }
  }

  /**
   * Zeroes the BatchNorm entries (gamma, beta, mean, variance at {@code batchNormOffsets}) of
   * every removed unit ({@link #unitRemoved}): a removed filter's BN is zeroed too (DESIGN.md
   * "Dead units"), so its output is exactly 0.
   */
  void zeroRemovedUnits(float[] flat, long[] batchNormOffsets) {
    for (int j = 0; j < outputs; j++) {
      if (unitRemoved(j)) {
        for (long offset : batchNormOffsets) {
          flat[Math.toIntExact(offset + j)] = 0f;
        }
      }
    }
  }

  void zeroPruned(float[] flat, int weightOffset, int biasOffset, int gateOffset) {
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
    if (gate != null) {
      for (int j = 0; j < gate.length; j++) {
        if (!gate[j]) {
          flat[gateOffset + j] = 0f;
        }
      }
    }
  }

  void checkSameShape(LayerMask other) {
    if (!layer.equals(other.layer) || outputs != other.outputs || inputs != other.inputs
        || weightsPerConnection != other.weightsPerConnection || biases.length != other.biases.length
        || (gate == null) != (other.gate == null)) {
      throw new IllegalArgumentException("masks differ in shape: " + this + " vs " + other);
    }
  }

  private void checkUnitFlags(boolean[] flags) {
    if (flags.length != outputs) {
      throw new IllegalArgumentException("layer " + layer + " has " + outputs + " units, got " + flags.length + " flags");
    }
  }

  private static boolean[] and(boolean[] a, boolean[] b) {
    boolean[] out = new boolean[a.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = a[k] && b[k];
    }
    return out;
  }

  private static long count(boolean[] flags) {
    long n = 0;
    for (boolean f : flags) {
      n += f ? 1 : 0;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerMask m && layer.equals(m.layer) && outputs == m.outputs && inputs == m.inputs
        && weightsPerConnection == m.weightsPerConnection && Arrays.equals(weights, m.weights)
        && Arrays.equals(biases, m.biases) && Arrays.equals(gate, m.gate);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * layer.hashCode() + Arrays.hashCode(weights)) + Arrays.hashCode(biases)) + Arrays.hashCode(gate);
  }

  @Override
  public String toString() {
    return "LayerMask[" + layer + " " + outputs + "x" + inputs + "x" + weightsPerConnection
        + ", kept " + keptWeights() + "/" + weights.length + " weights, " + keptBiases() + "/" + biases.length + " biases"
        + (gate == null ? "" : ", " + keptGates() + "/" + gate.length + " shortcut channels") + "]";
  }
}

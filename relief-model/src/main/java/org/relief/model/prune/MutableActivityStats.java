package org.relief.model.prune;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.PrunableLayer;

/**
 * The per-shard sums of a statistics pass, in double precision. An in-place aggregator in
 * the style of Spark's {@code ml.optim.aggregator}: {@link #add} and {@link #merge} update this
 * object and return it; {@link #snapshot()} is the immutable value that leaves the job.
 *
 * <p>Every quantity is a sum over samples, so the sums of disjoint shards of the pruning set
 * merge into exactly the sums of the whole (up to floating-point summation order).
 */
public final class MutableActivityStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    long samples;
    final double[] inputAbs;
    final double[] activeSamples;
    final double[] frobenius;
    final double[] branchAbs;
    final double[] shortcutAbs;

    Sums(int inputVolume, int units, int frobeniusEntries, int residualVolume) {
      inputAbs = inputVolume > 0 ? new double[inputVolume] : null;
      activeSamples = new double[units];
      frobenius = frobeniusEntries > 0 ? new double[frobeniusEntries] : null;
      branchAbs = residualVolume > 0 ? new double[residualVolume] : null;
      shortcutAbs = residualVolume > 0 ? new double[residualVolume] : null;
    }
  }

  private final LinkedHashMap<String, Sums> layers = new LinkedHashMap<>();

  /** Zero sums for the layers of {@code request}. */
  public MutableActivityStats(NetworkTopology topology, ActivityRequest request) {
    for (String name : request.layers()) {
      PrunableLayer layer = topology.layer(name);
      int inputs = request.needsInputSums(layer) ? layer.inputVolume() : 0;
      int frobenius = request.needsFrobeniusSums(layer) ? layer.outputs() * layer.inputs() : 0;
      int residual = layer.hasResidual() ? layer.outputs() * layer.outputPositions() : 0;
      layers.put(name, new Sums(inputs, layer.outputs(), frobenius, residual));
    }
  }

  /**
   * Adds one batch's sums for one layer.
   *
   * @param samples examples in the batch
   * @param inputAbs Σ_n |x_n| per input value, or null if not collected ({@link ActivityRequest#needsInputSums})
   * @param activeSamples per unit, the samples in which its output was not all zero (0: a dead unit)
   * @param frobenius Σ_n ‖|K_ji| ⋆ |x_ni|‖_F, index {@code j * inputs + i}, or null if not collected
   */
  public MutableActivityStats add(String layer, long samples, double[] inputAbs, double[] activeSamples,
      double[] frobenius) {
    return add(layer, samples, inputAbs, activeSamples, frobenius, null, null);
  }

  /**
   * As {@link #add(String, long, double[], double[], double[])}, for the second convolution of a
   * residual block also with {@code branchAbs} (Σ_n |BatchNorm output| per channel and
   * position) and {@code shortcutAbs} (Σ_n |shortcut| likewise), which the residual rule needs.
   */
  public MutableActivityStats add(String layer, long samples, double[] inputAbs, double[] activeSamples, double[] frobenius,
      double[] branchAbs, double[] shortcutAbs) {
    Sums s = sums(layer);
    if (s.branchAbs != null) {
      if (branchAbs == null || shortcutAbs == null) {
        throw new IllegalArgumentException("layer " + layer + ": branch and shortcut sums are required");
      }
      addInto(layer, "branch", s.branchAbs, branchAbs);
      addInto(layer, "shortcut", s.shortcutAbs, shortcutAbs);
    }
    if (s.inputAbs != null) {
      if (inputAbs == null) {
        throw new IllegalArgumentException("layer " + layer + ": input sums are required");
      }
      addInto(layer, "input", s.inputAbs, inputAbs);
    }
    addInto(layer, "active", s.activeSamples, activeSamples);
    if (s.frobenius != null) {
      if (frobenius == null) {
        throw new IllegalArgumentException("layer " + layer + ": Frobenius sums are required");
      }
      addInto(layer, "frobenius", s.frobenius, frobenius);
    }
    s.samples += samples;
    return this;
  }

  /** Adds another shard's sums into this one; both must cover the same layers with the same shapes. */
  public MutableActivityStats merge(MutableActivityStats other) {
    if (!layers.keySet().equals(other.layers.keySet())) {
      throw new IllegalArgumentException("cannot merge statistics of layers " + other.layers.keySet() + " into " + layers.keySet());
    }
    for (Map.Entry<String, Sums> e : layers.entrySet()) {
      Sums mine = e.getValue();
      Sums theirs = other.layers.get(e.getKey());
      if ((mine.inputAbs == null) != (theirs.inputAbs == null) || (mine.frobenius == null) != (theirs.frobenius == null)) {
        throw new IllegalArgumentException("layer " + e.getKey() + ": the two sides collected different sums");
      }
      if (mine.inputAbs != null) {
        addInto(e.getKey(), "input", mine.inputAbs, theirs.inputAbs);
      }
      addInto(e.getKey(), "active", mine.activeSamples, theirs.activeSamples);
      if (mine.frobenius != null) {
        addInto(e.getKey(), "frobenius", mine.frobenius, theirs.frobenius);
      }
      if (mine.branchAbs != null) {
        addInto(e.getKey(), "branch", mine.branchAbs, theirs.branchAbs);
        addInto(e.getKey(), "shortcut", mine.shortcutAbs, theirs.shortcutAbs);
      }
      mine.samples += theirs.samples;
    }
    return this;
  }

  /** Samples added so far (the same for every layer). */
  public long samples() {
    return layers.isEmpty() ? 0 : layers.values().iterator().next().samples;
  }

  /** The totals as an immutable value (arrays copied). */
  public ActivityStats snapshot() {
    Map<String, LayerActivity> out = new LinkedHashMap<>();
    for (Map.Entry<String, Sums> e : layers.entrySet()) {
      Sums s = e.getValue();
      if (s.samples == 0) {
        throw new IllegalStateException("layer " + e.getKey() + ": no samples were added");
      }
      out.put(e.getKey(), new LayerActivity(e.getKey(), s.samples, s.inputAbs == null ? null : s.inputAbs.clone(), s.activeSamples.clone(),
          s.frobenius == null ? null : s.frobenius.clone(), s.branchAbs == null ? null : s.branchAbs.clone(),
          s.shortcutAbs == null ? null : s.shortcutAbs.clone()));
    }
    return new ActivityStats(out);
  }

  private Sums sums(String layer) {
    Sums s = layers.get(layer);
    if (s == null) {
      throw new IllegalArgumentException("layer " + layer + " was not requested; have " + layers.keySet());
    }
    return s;
  }

  private static void addInto(String layer, String what, double[] into, double[] from) {
    if (into.length != from.length) {
      throw new IllegalArgumentException("layer " + layer + ": " + what + " sums have " + from.length
          + " entries, expected " + into.length);
    }
    for (int k = 0; k < into.length; k++) {
      into[k] += from[k];
    }
  }
}

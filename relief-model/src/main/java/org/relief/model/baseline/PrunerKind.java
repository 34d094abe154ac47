package org.relief.model.baseline;

import org.relief.model.config.Identified;

/** {@code relief.prune.pruner}: NNrelief, or a baseline pruned to the same remaining % per iteration. */
public enum PrunerKind implements Identified {
  /** The paper's activity-based step (DESIGN.md). */
  NNRELIEF("nnrelief"),
  /** The surviving weights and biases of largest |value| over the whole network. */
  MAGNITUDE_GLOBAL("magnitude-global"),
  /** The same share of every layer, by largest |value| within it. */
  MAGNITUDE_LAYER("magnitude-layer"),
  /** Survivors drawn uniformly at random (seeded). */
  RANDOM("random");

  private final String id;

  PrunerKind(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }
}

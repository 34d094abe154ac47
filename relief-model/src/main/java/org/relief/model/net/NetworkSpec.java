package org.relief.model.net;

import java.io.Serializable;

/**
 * Everything needed to rebuild the same untrained network anywhere (driver, executor, test):
 * the architecture, the input it takes, the number of classes and the initialisation seed.
 *
 * @param architecture which network
 * @param channels input channels
 * @param height input height
 * @param width input width
 * @param classes output classes
 * @param seed seed of the weight and bias initialisation
 * @param referenceStem for ResNets: compute the stem convolution's mask but never apply or
 *     count it, as the reference code does (a bug, reproduced for conformance;
 *     {@code prune.resnet-stem = reference})
 * @param float64 build the network in double precision: its forward passes, and the activity
 *     sums taken from them, carry no float32 rounding. For the conformance check, whose
 *     fixtures' answer is the reference re-run in float64 (near-ties at 3e-8 relative); training
 *     always runs in float32.
 */
public record NetworkSpec(Architecture architecture, int channels, int height, int width, int classes, long seed,
    boolean referenceStem, boolean float64) implements Serializable {

  public NetworkSpec(Architecture architecture, int channels, int height, int width, int classes, long seed) {
    this(architecture, channels, height, width, classes, seed, false);
  }

  public NetworkSpec(Architecture architecture, int channels, int height, int width, int classes, long seed,
      boolean referenceStem) {
    this(architecture, channels, height, width, classes, seed, referenceStem, false);
  }

  /** This spec with networks built in double precision. */
  public NetworkSpec inFloat64() {
    return new NetworkSpec(architecture, channels, height, width, classes, seed, referenceStem, true);
  }

  public NetworkSpec {
    if (architecture == null) {
      throw new IllegalArgumentException("architecture is required");
    }
    if (channels <= 0 || height <= 0 || width <= 0 || classes <= 1) {
      throw new IllegalArgumentException("bad input shape " + channels + "x" + height + "x" + width
          + " or class count " + classes);
    }
  }

  /** Values per example: {@code C·H·W}. */
  public int inputVolume() {
    return channels * height * width;
  }

  /** The shape of a batch of {@code n} examples as this network takes it. */
  public long[] batchShape(int n) {
    return architecture.flatInput() ? new long[] {n, inputVolume()} : new long[] {n, channels, height, width};
  }

  /** Builds a freshly initialised network. */
  public ReliefNetwork build() {
    return architecture.build(this);
  }

  /** A freshly initialised network for a pruning step's forward passes ({@link Architecture#buildForStatistics}). */
  public ReliefNetwork buildForStatistics() {
    return architecture.buildForStatistics(this);
  }

  /** The Relief view of a DL4J network built from this spec (e.g. one trained elsewhere). */
  public ReliefNetwork wrap(org.deeplearning4j.nn.api.Model dl4j) {
    if (dl4j instanceof org.deeplearning4j.nn.graph.ComputationGraph g) {
      return GraphNetwork.wrap(this, g);
    }
    return SequentialNetwork.wrap(this, (org.deeplearning4j.nn.multilayer.MultiLayerNetwork) dl4j);
  }
}

package org.relief.model.net;

/**
 * Which layers a network is built of. Every form has the same parameters in the same flat order,
 * so parameters move between forms as one vector.
 */
public enum NetworkForm {
  /** DL4J's own layers: what is saved and loaded, and the only form that runs in float64. */
  SAVED,
  /**
   * Relief's layers built to train ({@link Architecture#trainable}), ResNet activations in
   * oneDNN's channel blocks where every width allows ({@link ActivationLayout#forTraining}).
   */
  TRAINING,
  /**
   * Relief's training layers run in inference mode for a pruning step's forward passes, every
   * activation planar: the statistics read NCHW maps. About twice as fast as {@link #SAVED} on
   * VGG-like and ResNet-20 (docs/BENCHMARKS.md).
   */
  STATISTICS
}

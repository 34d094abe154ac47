package org.relief.model.net;

import org.relief.model.config.Identified;

/**
 * What happens to the mask of a ResNet's stem convolution ({@code prune.resnet-stem}). The
 * reference code computes it but never applies or counts it ({@code _apply_mask} compares a
 * module name with a parameter name, so it never matches); Relief prunes the stem by default.
 */
public enum ResNetStem implements Identified {
  /** The stem is pruned like every other convolution. */
  APPLY("apply"),
  /** The reference's behaviour: the stem's mask is computed, but never applied nor counted. */
  REFERENCE("reference");

  private final String id;

  ResNetStem(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }
}

package org.relief.model.experiment;

import org.relief.model.config.Identified;

/** What the surviving weights start from when retraining begins (DESIGN.md "Retraining"). */
public enum BeforeRetraining implements Identified {
  /** Back to their values at initialisation (lottery-ticket style), as the reference does for LeNets. */
  REWIND("rewind"),
  /** From the pruned weights, as the reference does for VGG and ResNet. */
  FINE_TUNE("fine-tune");

  private final String id;

  BeforeRetraining(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }
}

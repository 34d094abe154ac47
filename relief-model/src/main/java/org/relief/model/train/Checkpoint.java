package org.relief.model.train;

import org.relief.model.config.Identified;

/** Which epoch's weights a training phase keeps. */
public enum Checkpoint implements Identified {
  /** Best accuracy on a held-out part of the training set: honest numbers (default). */
  VALIDATION("validation"),
  /** Best test accuracy, as the reference code does: for reproducing its tables; optimistic. */
  TEST("test"),
  /** The weights after the last epoch. */
  LAST("last");

  private final String id;

  Checkpoint(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }
}

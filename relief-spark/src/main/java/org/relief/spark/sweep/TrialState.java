package org.relief.spark.sweep;

/** Where a trial stands, as {@code sweep.json} records it. */
public enum TrialState {
  PENDING, RUNNING, DONE, FAILED;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

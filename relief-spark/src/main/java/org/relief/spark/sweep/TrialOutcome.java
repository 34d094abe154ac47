package org.relief.spark.sweep;

import java.io.Serializable;

/** How one attempt at a trial ended: done, or failed with the error that stopped it. */
public record TrialOutcome(String id, boolean done, String error, double seconds) implements Serializable {

  static TrialOutcome done(String id, double seconds) {
    return new TrialOutcome(id, true, null, seconds);
  }

  static TrialOutcome failed(String id, String error, double seconds) {
    return new TrialOutcome(id, false, error, seconds);
  }
}

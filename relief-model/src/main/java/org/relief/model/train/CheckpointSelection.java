package org.relief.model.train;

import java.util.function.Supplier;

/**
 * Keeps the weights of the epoch with the best accuracy on the selection set (the first such
 * epoch on ties), or the last epoch's when there is no selection set. Mutable; one per phase.
 */
public final class CheckpointSelection {
  private final boolean hasSelectionSet;
  private float[] best;
  private int bestEpoch;
  private double bestAccuracy = Double.NEGATIVE_INFINITY;

  public CheckpointSelection(boolean hasSelectionSet) {
    this.hasSelectionSet = hasSelectionSet;
  }

  /** Offers an epoch's result; {@code params} is read only if the epoch is the new best. */
  public void offer(int epoch, double accuracy, Supplier<float[]> params) {
    if (hasSelectionSet && accuracy > bestAccuracy) {
      bestAccuracy = accuracy;
      best = params.get();
      bestEpoch = epoch;
    }
  }

  /** The kept weights: the best epoch's, or {@code last} after {@code epochs} without a selection set. */
  public PhaseTrainer.Result result(int epochs, Supplier<float[]> last) {
    return hasSelectionSet ? new PhaseTrainer.Result(best, bestEpoch, bestAccuracy)
        : new PhaseTrainer.Result(last.get(), epochs, Double.NaN);
  }
}

package org.relief.model.train;

import java.util.List;
import org.relief.model.data.ImageDataset;
import org.relief.model.prune.NetworkMasks;

/**
 * Trains a network for one phase (pretraining, or retraining after a pruning step) with its
 * masks held at zero, and keeps the weights of the epoch the checkpoint rule picks. In this
 * JVM ({@link MaskedTrainer}) or across a Spark cluster.
 */
public interface PhaseTrainer {

  /** What to train: a name for logs and seeding, epochs, and the epochs where the rate drops. */
  record Phase(String name, int epochs, List<Integer> milestones) {
    public Phase {
      milestones = List.copyOf(milestones);
    }
  }

  /** One finished epoch, for progress reporting. */
  record EpochReport(String phase, int epoch, int epochs, double loss, double selectionAccuracy, double seconds) {}

  /** Receives each finished epoch. */
  @FunctionalInterface
  interface EpochListener {
    void epochDone(EpochReport report);
  }

  /**
   * @param params the kept weights (masked)
   * @param selectedEpoch the epoch they are from (0 = the starting weights, with no epochs)
   * @param selectionAccuracy their accuracy on the selection set, percent (NaN without one)
   */
  record Result(float[] params, int selectedEpoch, double selectionAccuracy) {}

  /**
   * Gets ready to train on {@code data} (e.g. writes it where workers read it); training phases
   * call it themselves if it was not called. For benchmarks that time an epoch alone.
   */
  default void prepare(ImageDataset data) {}

  /**
   * Trains from {@code start} with {@code masks} held at zero.
   *
   * @param selection the examples the checkpoint rule measures (validation or test split), or
   *     null to keep the last epoch
   */
  Result train(Phase phase, float[] start, NetworkMasks masks, ImageDataset data, ImageDataset selection,
      EpochListener listener);
}

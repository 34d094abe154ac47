package org.relief.model.experiment;

import org.relief.model.config.ExperimentSettings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.net.NetworkSpec;
import org.relief.model.prune.ActivitySource;
import org.relief.model.prune.LocalActivitySource;
import org.relief.model.train.MaskedTrainer;
import org.relief.model.train.PhaseTrainer;

/**
 * Where an experiment's heavy work runs: the activity statistics of each pruning step and the
 * training phases. {@link #local()} runs both in this JVM; the Spark layer supplies one that
 * shards the statistics over executors and, if asked, trains with parameter averaging. The
 * experiment itself is the same code either way.
 */
public interface Execution {

  /**
   * Activity statistics over the pruning set, for the run whose output is {@code runDirectory}.
   *
   * @param examples the pruning set in the network's input shape
   */
  ActivitySource statistics(NetworkSpec spec, INDArray examples, int batchSize, String runDirectory);

  /** The trainer of every training phase of the run. */
  PhaseTrainer trainer(NetworkSpec spec, ExperimentSettings.Train train, long seed, String runDirectory);

  /** What {@code iterations.csv} records in its {@code training} column. */
  String trainingMode();

  /** The run enters a phase, e.g. "iteration 3: pruning step" (Spark names its jobs after it). */
  default void phase(String description) {}

  /** The trainer of a run in this JVM ({@code relief.train} settings). */
  static MaskedTrainer localTrainer(NetworkSpec spec, ExperimentSettings.Train t, long seed) {
    return new MaskedTrainer(spec, t.optimizer(), t.learningRate(), t.momentum(), t.weightDecay(), t.gamma(),
        t.batchSize(), t.shuffle(), t.augment(), seed).compacting(t.retrainCompact());
  }

  /** Everything in this JVM. */
  static Execution local() {
    return new Execution() {
      @Override
      public ActivitySource statistics(NetworkSpec spec, INDArray examples, int batchSize, String runDirectory) {
        return new LocalActivitySource(spec, examples, batchSize, 1);
      }

      @Override
      public PhaseTrainer trainer(NetworkSpec spec, ExperimentSettings.Train t, long seed, String runDirectory) {
        return localTrainer(spec, t, seed);
      }

      @Override
      public String trainingMode() {
        return "local";
      }
    };
  }
}

package org.relief.spark.sweep;

import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.TaskContext;
import org.relief.model.config.ExperimentConfig;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.experiment.IterativePruning;

/**
 * One trial run whole inside one Spark task (per-task mode). Every error is caught and returned
 * as the trial's outcome, so the task itself succeeds and Spark never retries a deterministic
 * failure; only a lost executor makes Spark retry, and {@code maxAttempts} caps that too.
 *
 * @param previousAttempts attempts recorded by earlier runs of the sweep (e.g. a killed driver)
 * @param fork run the trial in a child JVM ({@link ForkedTrial}) rather than in the task's JVM
 * @param heap the child JVM's heap
 * @param sweepOutput the sweep's output directory, for the child's log
 */
record TrialTask(Trial trial, int previousAttempts, int maxAttempts, boolean fork, String heap, String sweepOutput)
    implements Serializable {

  static TrialOutcome run(TrialTask task) {
    long t0 = System.nanoTime();
    TaskContext context = TaskContext.get();
    int attempt = task.previousAttempts + (context == null ? 0 : context.attemptNumber());
    if (attempt >= task.maxAttempts) {
      return TrialOutcome.failed(task.trial.id(), "gave up after " + attempt + " attempts (relief.sweep.max-attempts)", 0);
    }
    try {
      if (task.fork) {
        return ForkedTrial.run(task.trial, task.heap, context == null ? 1 : context.cpus(), task.sweepOutput);
      }
      ExperimentSettings settings = ExperimentSettings.from(
          ExperimentConfig.merge(ConfigFactory.parseString(task.trial.config()), List.of()));
      IterativePruning.local(settings).run(false);
      return TrialOutcome.done(task.trial.id(), (System.nanoTime() - t0) / 1e9);
    } catch (Throwable e) {
      return TrialOutcome.failed(task.trial.id(), describe(e), (System.nanoTime() - t0) / 1e9);
    }
  }

  static String describe(Throwable e) {
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return e.getClass().getSimpleName() + message;
  }
}

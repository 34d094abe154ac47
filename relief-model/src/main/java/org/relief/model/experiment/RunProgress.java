package org.relief.model.experiment;

import java.time.Duration;
import java.util.Locale;
import org.relief.model.train.PhaseTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per epoch and per iteration that a person can follow: loss, accuracy on the
 * checkpoint set, remaining weights, elapsed time and an estimate of the time left (from the
 * mean epoch time so far over the epochs still planned).
 */
final class RunProgress implements PhaseTrainer.EpochListener {
  private static final Logger LOG = LoggerFactory.getLogger(RunProgress.class);

  private final String name;
  private final int iterations;
  private final long start = System.nanoTime();
  private int epochsLeft;
  private int epochsDone;
  private double epochSeconds;
  private int iteration;
  private double remainingPercent = 100.0;

  RunProgress(String name, int iterations, int epochsPlanned) {
    this.name = name;
    this.iterations = iterations;
    this.epochsLeft = epochsPlanned;
  }

  void startIteration(int iteration, double remainingPercent) {
    this.iteration = iteration;
    this.remainingPercent = remainingPercent;
  }

  @Override
  public void epochDone(PhaseTrainer.EpochReport r) {
    epochsDone++;
    epochsLeft = Math.max(0, epochsLeft - 1);
    epochSeconds += r.seconds();
    String selection = Double.isNaN(r.selectionAccuracy()) ? "" : String.format(Locale.ROOT, ", checkpoint-set acc %.2f%%", r.selectionAccuracy());
    LOG.info(String.format(Locale.ROOT, "[%s] iter %d/%d %s epoch %d/%d: loss %.4f%s, remaining %.2f%% | elapsed %s, eta %s",
        name, iteration, iterations, r.phase(), r.epoch(), r.epochs(), r.loss(), selection, remainingPercent,
        clock(elapsed()), clock(epochSeconds / epochsDone * epochsLeft)));
  }

  void iterationDone(IterationRow row) {
    if (row.iter() == 0) {
      LOG.info(String.format(Locale.ROOT, "[%s] dense network trained: test acc %.2f%%, %,d weights and biases | elapsed %s",
          name, row.accRetrained(), row.remaining(), clock(elapsed())));
      return;
    }
    LOG.info(String.format(Locale.ROOT,
        "[%s] iter %d/%d done: test acc %.2f%% pruned -> %.2f%% retrained, remaining %.2f%% (cr %.2f), %s, "
            + "%,d FLOPs | prune %.2fs, retrain %.1fs, eval %.2fs | elapsed %s",
        name, row.iter(), iterations, row.accPruned(), row.accRetrained(), row.remainingPercent(), row.compressionRatio(),
        row.architecture(), row.flops(), row.pruneSeconds(), row.retrainSeconds(), row.evalSeconds(), clock(elapsed())));
  }

  void message(String text) {
    LOG.info("[" + name + "] " + text);
  }

  private double elapsed() {
    return (System.nanoTime() - start) / 1e9;
  }

  private static String clock(double seconds) {
    Duration d = Duration.ofSeconds(Math.round(seconds));
    return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}

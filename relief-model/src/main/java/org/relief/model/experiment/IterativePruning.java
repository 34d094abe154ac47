package org.relief.model.experiment;

import org.relief.model.ReliefInputException;
import org.relief.model.baseline.BaselinePruner;
import org.relief.model.baseline.PrunerKind;
import org.relief.model.baseline.RemainingSchedule;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.data.DatasetKind;
import org.relief.model.data.ImageDataset;
import org.relief.model.data.TrainTest;
import org.relief.model.metrics.NetworkCensus;
import org.relief.model.net.NativeBackend;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PassWorkspace;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.ActivitySource;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.prune.PruningStep;
import org.relief.model.train.Accuracy;
import org.relief.model.train.PhaseTrainer;

/**
 * The paper's experiment in one JVM (DESIGN.md "What a user does", items 1–2): train the
 * dense network, then for each iteration prune with NNrelief, rewind or keep the surviving
 * weights, retrain with the masks held at zero, evaluate, and record a row. Progress goes to
 * the log; results to a {@link RunDirectory}, resumable after a crash.
 *
 * <p>Where the statistics and the training run is an {@link Execution}: this JVM, or a Spark
 * cluster; everything else is the same code.
 */
public final class IterativePruning {
  private static final int EVAL_BATCH = 500;

  private final ExperimentSettings settings;
  private final Execution execution;

  public IterativePruning(ExperimentSettings settings, Execution execution) {
    this.settings = settings;
    this.execution = execution;
  }

  /** A run entirely in this JVM. */
  public static IterativePruning local(ExperimentSettings settings) {
    return new IterativePruning(settings, Execution.local());
  }

  /** What changes from iteration to iteration: the network's weights live in {@code network}. */
  private static final class State {
    final ReliefNetwork network;
    float[] initial;
    NetworkMasks masks;

    State(ReliefNetwork network) {
      this.network = network;
    }
  }

  /**
   * Runs (or resumes) the experiment and returns its output directory.
   *
   * @param overwrite replace a finished run, or an unfinished one of another configuration
   */
  public String run(boolean overwrite) {
    ExperimentSettings.Prune p = settings.prune();
    ExperimentSettings.Train t = settings.train();
    DatasetKind kind = settings.dataset().kind();

    TrainTest loaded = kind.load(settings.dataset().path()); // fails before anything is written
    checkShape(loaded.train(), kind);
    DataSplits data = DataSplits.of(loaded, settings);
    NetworkSpec spec = settings.networkSpec();

    // a baseline's targets are read (and a bad match-run refused) before anything is written
    RemainingSchedule schedule = p.pruner() == PrunerKind.NNRELIEF ? null : p.remainingSchedule();
    // a matched run that stopped early has fewer targets: the baseline stops there too
    int iterations = schedule == null ? p.iterations() : Math.min(p.iterations(), schedule.iterations());
    RunDirectory dir = RunDirectory.open(settings.experiment().output(), settings, overwrite);
    IterationTable table = dir.table(kind.classes() > 10);
    State state = new State(spec.build());
    PhaseTrainer trainer = execution.trainer(spec, t, settings.experiment().seed(), dir.uri());
    int done = table.isEmpty() ? -1 : table.last().iter();
    RunProgress progress = new RunProgress(settings.experiment().name(), iterations,
        (done < 0 ? t.pretrainEpochs() : 0) + (iterations - Math.max(done, 0)) * t.retrainEpochs());

    progress.message(NativeBackend.describe(state.network.dl4j()));
    if (done < 0) {
      trainDense(state, trainer, data, dir, table, progress);
    } else {
      resume(state, done, dir, progress);
    }
    MaskRule rule = schedule == null ? nnrelief(spec, data, dir) : baseline(p.pruner(), schedule);
    if (iterations < p.iterations()) {
      progress.message("the run to match stopped after iteration " + iterations + " (" + schedule.source()
          + "): so does this one");
    }
    StoppingRule stop = new StoppingRule(settings.stop().maxAccuracyDrop());
    for (int it = Math.max(done, 0) + 1; it <= iterations && !stop.stops(table); it++) {
      iteration(it, state, rule, trainer, data, dir, table, progress);
    }
    if (stop.stops(table)) {
      progress.message(String.format(java.util.Locale.ROOT,
          "stopped after iteration %d: accuracy %.2f%% is more than %.2f points below the dense %.2f%%; result: iteration %d",
          table.last().iter(), table.last().accRetrained(), stop.maxAccuracyDrop().getAsDouble(),
          table.rows().get(0).accRetrained(), stop.result(table).iter()));
    }
    dir.writeResult(stop.resultJson(table));
    dir.markSuccess();
    return dir.uri();
  }

  /** Iteration 0: the dense network, trained from its initialisation (saved for rewinding). */
  private void trainDense(State s, PhaseTrainer trainer, DataSplits data, RunDirectory dir, IterationTable table,
      RunProgress progress) {
    ExperimentSettings.Train t = settings.train();
    s.initial = s.network.params();
    s.masks = NetworkMasks.full(s.network.topology());
    dir.writeInitial(s.network.dl4j());
    progress.message("training the dense network for " + t.pretrainEpochs() + " epochs; output " + dir.uri());
    execution.phase("training the dense network");
    PhaseTrainer.Result dense = trainer.train(new PhaseTrainer.Phase("pretrain", t.pretrainEpochs(), t.pretrainMilestones()),
        s.initial, s.masks, data.train(), data.selection(t.checkpoint()), progress);
    s.network.setParams(dense.params());
    long t0 = System.nanoTime();
    Accuracy accuracy = Accuracy.of(s.network, data.test(), EVAL_BATCH);
    IterationRow row = row(0, accuracy, accuracy, NetworkCensus.of(s.network.topology(), s.masks), dense, 0, 0,
        (System.nanoTime() - t0) / 1e9);
    commit(row, s, dir, table, progress);
  }

  /** Picks up after the last iteration that {@code iterations.csv} records. */
  private void resume(State s, int done, RunDirectory dir, RunProgress progress) {
    progress.message("resuming " + dir.uri() + " after iteration " + done);
    s.initial = dir.readInitialParams();
    s.masks = dir.readMasks(done, s.network.topology());
    s.network.setParams(dir.readParams(done));
  }

  /** How an iteration's masks are chosen from the network and the masks so far. */
  private interface MaskRule {
    NetworkMasks next(int iteration, ReliefNetwork network, NetworkMasks current);
  }

  /** The paper's step, on statistics of the pruning set (collected locally or on Spark). */
  private MaskRule nnrelief(NetworkSpec spec, DataSplits data, RunDirectory dir) {
    ImageDataset pruningSet = data.pruningSet();
    ActivitySource source = execution.statistics(spec,
        pruningSet.features(pruningSet.allIndices(), spec.batchShape(pruningSet.size())), settings.prune().batchSize(),
        dir.uri());
    PruningStep step = new PruningStep(settings.prune().step());
    return (it, network, current) -> {
      try {
        return step.run(network, current, source).masks();
      } finally {
        PassWorkspace.release(); // local statistics ran on this thread; retraining comes next
      }
    };
  }

  /** A baseline pruned to the schedule's remaining % of the network's weights and biases. */
  private MaskRule baseline(PrunerKind kind, RemainingSchedule schedule) {
    BaselinePruner pruner = new BaselinePruner(kind);
    return (it, network, current) -> {
      long total = NetworkCensus.of(network.topology(), NetworkMasks.full(network.topology())).total();
      long keep = Math.round(schedule.percentAfter(it) / 100.0 * total);
      return pruner.prune(network, current, keep, settings.experiment().seed() * 1_000_003L + it);
    };
  }

  /** One pruning step, (rewind,) retraining, evaluation before and after, committed as a row. */
  private void iteration(int it, State s, MaskRule rule, PhaseTrainer trainer, DataSplits data,
      RunDirectory dir, IterationTable table, RunProgress progress) {
    ExperimentSettings.Train t = settings.train();
    progress.startIteration(it, table.last().remainingPercent());
    execution.phase("iteration " + it + ": pruning step");
    long t0 = System.nanoTime();
    s.masks = rule.next(it, s.network, s.masks);
    double pruneSeconds = (System.nanoTime() - t0) / 1e9;

    float[] pruned = s.masks.apply(s.network.params(), s.network.layout());
    s.network.setParams(pruned);
    long t1 = System.nanoTime();
    Accuracy before = Accuracy.of(s.network, data.test(), EVAL_BATCH);
    double evalSeconds = (System.nanoTime() - t1) / 1e9;
    NetworkCensus census = NetworkCensus.of(s.network.topology(), s.masks);
    progress.startIteration(it, census.remainingPercent());

    float[] start = settings.prune().beforeRetraining() == BeforeRetraining.REWIND
        ? s.masks.apply(s.initial, s.network.layout()) : pruned;
    execution.phase("iteration " + it + ": retraining");
    long t2 = System.nanoTime();
    PhaseTrainer.Result retrained = trainer.train(new PhaseTrainer.Phase("retrain-" + it, t.retrainEpochs(),
        t.retrainMilestones()), start, s.masks, data.train(), data.selection(t.checkpoint()),
        progress);
    double retrainSeconds = (System.nanoTime() - t2) / 1e9;
    s.network.setParams(retrained.params());

    long t3 = System.nanoTime();
    Accuracy after = Accuracy.of(s.network, data.test(), EVAL_BATCH);
    evalSeconds += (System.nanoTime() - t3) / 1e9;
    commit(row(it, before, after, census, retrained, pruneSeconds, retrainSeconds, evalSeconds), s, dir, table, progress);
  }

  /** The iteration's files, then its row: the row is what makes the iteration done. */
  private static void commit(IterationRow row, State s, RunDirectory dir, IterationTable table, RunProgress progress) {
    dir.writeIteration(row.iter(), s.masks, s.network.dl4j());
    dir.writeTable(table.add(row));
    progress.iterationDone(row);
  }

  private IterationRow row(int iter, Accuracy before, Accuracy after, NetworkCensus census, PhaseTrainer.Result trained,
      double pruneSeconds, double retrainSeconds, double evalSeconds) {
    return new IterationRow(settings.experiment().seed(), iter, before.top1(), after.top1(), before.top5(), after.top5(),
        census.compressionRatio(), census.remainingPercent(), census.remaining(), census.remainingWeights(),
        census.remainingBiases(), census.architecture(), census.flops(), settings.train().checkpoint().id(),
        trained.selectedEpoch(), trained.selectionAccuracy(), pruneSeconds, retrainSeconds, evalSeconds,
        execution.trainingMode());
  }

  /** The files must hold what the dataset name promises (e.g. 28×28 IDX images for fashion-mnist). */
  private static void checkShape(ImageDataset data, DatasetKind kind) {
    if (data.channels() != kind.channels() || data.height() != kind.height() || data.width() != kind.width()) {
      throw new ReliefInputException(data.name() + ": images are " + data.channels() + "x" + data.height() + "x"
          + data.width() + ", dataset " + kind.id() + " has " + kind.channels() + "x" + kind.height() + "x" + kind.width());
    }
  }
}

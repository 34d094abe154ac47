package org.relief.model.experiment;

import org.relief.model.ReliefInputException;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.data.DatasetKind;
import org.relief.model.data.ImageDataset;
import org.relief.model.data.TrainTest;
import org.relief.model.metrics.NetworkCensus;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.SequentialNetwork;
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

  /**
   * Runs (or resumes) the experiment and returns its output directory.
   *
   * @param overwrite replace a finished run, or an unfinished one of another configuration
   */
  public String run(boolean overwrite) {
    ExperimentSettings.Experiment e = settings.experiment();
    ExperimentSettings.Prune p = settings.prune();
    ExperimentSettings.Train t = settings.train();
    DatasetKind kind = settings.dataset().kind();

    TrainTest loaded = kind.load(settings.dataset().path()); // fails before anything is written
    checkShape(loaded.train(), kind);
    DataSplits data = DataSplits.of(loaded, settings);
    NetworkSpec spec = new NetworkSpec(settings.architecture(), kind.channels(), kind.height(), kind.width(),
        kind.classes(), e.seed());

    RunDirectory dir = RunDirectory.open(e.output(), settings, overwrite);
    boolean top5 = kind.classes() > 10;
    IterationTable table = dir.table(top5);
    SequentialNetwork network = (SequentialNetwork) spec.build();
    PhaseTrainer trainer = execution.trainer(spec, t, e.seed(), dir.uri());
    int done = table.isEmpty() ? -1 : table.last().iter();
    RunProgress progress = new RunProgress(e.name(), p.iterations(),
        (done < 0 ? t.pretrainEpochs() : 0) + (p.iterations() - Math.max(done, 0)) * t.retrainEpochs());

    NetworkMasks masks;
    float[] initial;
    if (done < 0) {
      initial = network.params();
      dir.writeInitial(network.dl4j());
      masks = NetworkMasks.full(network.topology());
      progress.message("training the dense network for " + t.pretrainEpochs() + " epochs; output " + dir.uri());
      execution.phase("training the dense network");
      PhaseTrainer.Result dense = trainer.train(new PhaseTrainer.Phase("pretrain", t.pretrainEpochs(),
          t.pretrainMilestones()), initial, masks.toFlat(network.layout()), data.train(), data.selection(t.checkpoint()),
          progress);
      network.setParams(dense.params());
      long evalStart = System.nanoTime();
      Accuracy acc = Accuracy.of(network, data.test(), EVAL_BATCH);
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
      IterationRow row = row(0, acc, acc, NetworkCensus.of(network.topology(), masks), dense, 0, 0, evalSeconds);
      dir.writeIteration(0, masks, network.dl4j());
      dir.writeTable(table.add(row));
      progress.iterationDone(row);
      done = 0;
    } else {
      progress.message("resuming " + dir.uri() + " after iteration " + done);
      initial = dir.readInitialParams();
      masks = dir.readMasks(done, network.topology());
      network.setParams(dir.readParams(done));
    }

    ImageDataset pruningSet = data.pruningSet();
    ActivitySource source = execution.statistics(spec,
        pruningSet.features(pruningSet.allIndices(), spec.batchShape(pruningSet.size())), p.batchSize(), dir.uri());
    PruningStep step = new PruningStep(p.step());
    for (int it = done + 1; it <= p.iterations(); it++) {
      progress.startIteration(it, table.last().remainingPercent());
      execution.phase("iteration " + it + ": pruning step");
      long t0 = System.nanoTime();
      masks = step.run(network, masks, source).masks();
      double pruneSeconds = (System.nanoTime() - t0) / 1e9;

      float[] pruned = masks.apply(network.params(), network.layout());
      network.setParams(pruned);
      long t1 = System.nanoTime();
      Accuracy before = Accuracy.of(network, data.test(), EVAL_BATCH);
      double evalSeconds = (System.nanoTime() - t1) / 1e9;
      NetworkCensus census = NetworkCensus.of(network.topology(), masks);
      progress.startIteration(it, census.remainingPercent());

      float[] start = p.beforeRetraining() == BeforeRetraining.REWIND ? masks.apply(initial, network.layout()) : pruned;
      execution.phase("iteration " + it + ": retraining");
      long t2 = System.nanoTime();
      PhaseTrainer.Result retrained = trainer.train(new PhaseTrainer.Phase("retrain-" + it, t.retrainEpochs(),
          t.retrainMilestones()), start, masks.toFlat(network.layout()), data.train(), data.selection(t.checkpoint()),
          progress);
      double retrainSeconds = (System.nanoTime() - t2) / 1e9;
      network.setParams(retrained.params());

      long t3 = System.nanoTime();
      Accuracy after = Accuracy.of(network, data.test(), EVAL_BATCH);
      evalSeconds += (System.nanoTime() - t3) / 1e9;
      IterationRow row = row(it, before, after, census, retrained, pruneSeconds, retrainSeconds, evalSeconds);
      dir.writeIteration(it, masks, network.dl4j());
      dir.writeTable(table.add(row));
      progress.iterationDone(row);
    }
    dir.markSuccess();
    return dir.uri();
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

package org.relief.model.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.relief.model.ReliefInputException;
import org.relief.model.compact.CompactNetwork;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.data.ImageDataset;
import org.relief.model.experiment.Execution;
import org.relief.model.experiment.IterationTable;
import org.relief.model.experiment.RunDirectory;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.train.MaskedTrainer;
import org.relief.model.train.PhaseTrainer;

/**
 * Retraining at one iteration of a run, two ways on the same data in the same JVM: the
 * full-size network with the iteration's masks held at zero, and its compact network
 * ({@code train.retrain-compact}). One epoch each, alternating, after a warm-up phase of
 * each on a tenth of the data; the epoch time is the training loop's own (building the
 * network and compacting it are reported apart, they happen once per phase).
 */
public final class CompactRetrainBenchmark {

  /** The measurement; {@link #line()} is the command-line contract's output. */
  public record Result(String run, int iteration, String model, int examples, double unitsSurvivingPercent,
      long parameters, long compactParameters, double maskedSeconds, double compactSeconds, double compactSetupSeconds) {
    public double ratio() {
      return compactSeconds / maskedSeconds;
    }

    public String line() {
      return String.format(Locale.ROOT,
          "compact-retrain model=%s iteration=%d n=%d units_surviving=%.1f%% params=%d compact_params=%d"
              + " masked_epoch_s=%.2f compact_epoch_s=%.2f ratio=%.3f compact_setup_s=%.2f run=%s",
          model, iteration, examples, unitsSurvivingPercent, parameters, compactParameters, maskedSeconds,
          compactSeconds, ratio(), compactSetupSeconds, run);
    }
  }

  private CompactRetrainBenchmark() {}

  /**
   * @param iteration the run's iteration whose masks and weights to retrain (negative: the last)
   * @param examples training images per epoch (the run's training split, from its start)
   * @param repeats epochs timed per way; medians are reported
   */
  public static Result run(String runUri, int iteration, int examples, int repeats) {
    RunDirectory run = RunDirectory.existing(runUri);
    ExperimentSettings settings = run.settings();
    IterationTable table = run.table(false);
    int k = iteration < 0 ? table.last().iter() : iteration;
    if (k > table.last().iter() || k < 1) {
      throw new ReliefInputException("--iteration " + k + ": " + run.uri() + " has pruning iterations 1.."
          + table.last().iter());
    }
    NetworkSpec spec = settings.networkSpec();
    ReliefNetwork network = spec.build();
    NetworkMasks masks = run.readMasks(k, network.topology());
    float[] start = run.readParams(k);
    ImageDataset train = settings.dataset().kind().load(settings.dataset().path()).train();
    train = train.head(examples);
    ImageDataset warmup = train.head(Math.max(1, train.size() / 10));

    ExperimentSettings.Train t = settings.train();
    MaskedTrainer masked = Execution.localTrainer(spec, t, settings.experiment().seed()).compacting(false);
    MaskedTrainer compact = masked.compacting(true);
    PhaseTrainer.Phase phase = new PhaseTrainer.Phase("benchmark", 1, List.of());
    masked.train(phase, start, masks, warmup, null, e -> { });
    compact.train(phase, start, masks, warmup, null, e -> { });
    double[] maskedSeconds = new double[repeats];
    double[] compactSeconds = new double[repeats];
    double[] compactTotal = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      maskedSeconds[r] = epochSeconds(masked, phase, start, masks, train);
      long t0 = System.nanoTime();
      compactSeconds[r] = epochSeconds(compact, phase, start, masks, train);
      compactTotal[r] = (System.nanoTime() - t0) / 1e9;
    }

    network.setParams(masks.apply(start, network.layout()));
    long compactParameters = CompactNetwork.of(network, masks).numParams();
    return new Result(run.uri(), k, spec.architecture().id(), train.size(), unitsSurvivingPercent(network, masks),
        network.layout().numParams(), compactParameters, Medians.of(maskedSeconds), Medians.of(compactSeconds),
        Medians.of(compactTotal) - Medians.of(compactSeconds));
  }

  /** The training loop's time for the phase's one epoch, as the trainer reports it. */
  private static double epochSeconds(MaskedTrainer trainer, PhaseTrainer.Phase phase, float[] start, NetworkMasks masks,
      ImageDataset data) {
    List<Double> seconds = new ArrayList<>();
    trainer.train(phase, start, masks, data, null, e -> seconds.add(e.seconds()));
    return seconds.get(0);
  }

  /** Hidden units and filters with a surviving weight or bias, percent of all hidden ones. */
  static double unitsSurvivingPercent(ReliefNetwork network, NetworkMasks masks) {
    List<PrunableLayer> layers = network.topology().layers();
    long alive = 0;
    long all = 0;
    for (PrunableLayer layer : layers.subList(0, layers.size() - 1)) {
      alive += masks.layer(layer.name()).aliveUnits();
      all += layer.outputs();
    }
    return 100.0 * alive / all;
  }
}

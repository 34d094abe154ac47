package org.relief.model.bench;

import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.relief.model.data.ImageDataset;
import org.relief.model.data.PruningSet;
import org.relief.model.net.Architecture;
import org.relief.model.net.LayerKind;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.OpenMpThreads;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.ConvScore;
import org.relief.model.prune.LocalActivitySource;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.prune.PruningSettings;
import org.relief.model.prune.PruningStep;

/**
 * One pruning step timed against one plain inference forward pass over the same N training
 * images ({@link BenchmarkData}), in the same JVM, after warm-up (at least 2 s, and 3 runs or 20 s);
 * the median of alternating repetitions of each (by default as many as fit in about 5 s). The network is freshly initialised (seed 42): the cost of
 * a step does not depend on how well the network is trained.
 *
 * <p>The forward pass is the one the step's own passes are made of: the network in {@link
 * NetworkSpec#buildForStatistics}'s form. The same pass through DL4J's own layers (the form a
 * network is saved in) is timed too, for the log.
 */
public final class PruneStepBenchmark {
  /**
   * Warm-up runs at least this many steps and this long, so the JIT has compiled the hot loops;
   * a step that alone takes longer than WARMUP_ENOUGH_SECONDS (VGG, ResNet at N = 1000) has
   * compiled them within its first run, and one run is enough.
   */
  private static final int WARMUP_RUNS = 3;
  private static final double WARMUP_SECONDS = 2.0;
  private static final double WARMUP_ENOUGH_SECONDS = 20.0;
  /** With repeats = 0 the benchmark times about this long, between 5 and 201 repetitions. */
  private static final double AUTO_SECONDS = 5.0;

  /**
   * Medians in seconds; {@link #line()} is the command-line contract's output.
   *
   * @param passesSeconds the bare forward passes a step must make, without any statistics: the
   *     network up to its last convolution on the network as it stands, then the whole network
   *     (DESIGN.md "Two passes"); just the whole network if it has no convolution
   * @param savedFormForwardSeconds the plain forward pass through DL4J's own layers
   */
  public record Result(String model, int examples, ConvScore score, double pruneSeconds, double forwardSeconds,
      double passesSeconds, double savedFormForwardSeconds) {
    public double ratio() {
      return pruneSeconds / forwardSeconds;
    }

    public String line() {
      return String.format(Locale.ROOT, "prune-step model=%s n=%d prune_s=%.4f forward_s=%.4f ratio=%.3f",
          model, examples, pruneSeconds, forwardSeconds, ratio());
    }

    /**
     * For the log: the floor the step cannot go below (its bare passes against one forward), and
     * the step against the forward pass through DL4J's own layers.
     */
    public String floorLine() {
      return String.format(Locale.ROOT, "prune-step model=%s bare_passes_s=%.4f floor_ratio=%.3f (score=%s)"
          + " saved_form_forward_s=%.4f ratio_to_saved_form=%.3f",
          model, passesSeconds, passesSeconds / forwardSeconds, score, savedFormForwardSeconds,
          pruneSeconds / savedFormForwardSeconds);
    }
  }

  private final Architecture architecture;
  private final int examples;
  private final ConvScore score;
  private final ImageDataset train;
  private final int batch;
  private final int repeats;

  public PruneStepBenchmark(Architecture architecture, int examples, ConvScore score, ImageDataset train, int batch,
      int repeats) {
    if (batch <= 0 || repeats < 0) {
      throw new org.relief.model.ReliefInputException("--batch must be positive and --repeats >= 0, got " + batch
          + " and " + repeats);
    }
    this.architecture = architecture;
    this.examples = examples;
    this.score = score;
    this.train = train;
    this.batch = batch;
    this.repeats = repeats;
  }

  public Result run() {
    // A run's pruning step comes after training in the same thread, which pins OpenMP there to
    // ND4J's thread setting; ND4J leaves the thread that loaded it at 4 threads even on 2 cores.
    OpenMpThreads.pinCurrentThread();
    architecture.checkInput(train.channels(), train.height(), train.width(), train.name());
    if (examples > train.size()) {
      throw new org.relief.model.ReliefInputException("--examples " + examples + " is more than the " + train.size()
          + " training images of " + train.name());
    }
    NetworkSpec spec = new NetworkSpec(architecture, train.channels(), train.height(), train.width(), train.classes(), 42);
    ReliefNetwork network = spec.build();
    ReliefNetwork statisticsForm = spec.buildForStatistics();
    INDArray x = train.features(PruningSet.sampleIndices(train.size(), examples, 42), spec.batchShape(examples));
    LocalActivitySource source = new LocalActivitySource(spec, x, batch, 1);
    PruningStep step = new PruningStep(new PruningSettings(0.9, 0.95, score));
    NetworkMasks full = NetworkMasks.full(network.topology());

    long warmupStart = System.nanoTime();
    int warmups = 0;
    while (warmups == 0 || (warmups < WARMUP_RUNS && System.nanoTime() - warmupStart < WARMUP_ENOUGH_SECONDS * 1e9)
        || System.nanoTime() - warmupStart < WARMUP_SECONDS * 1e9) {
      step.run(network, full, source);
      forward(statisticsForm, x);
      forward(network, x);
      warmups++;
    }
    double perPair = (System.nanoTime() - warmupStart) / 1e9 / warmups;
    int n = repeats > 0 ? repeats : (int) Math.max(5, Math.min(201, AUTO_SECONDS / perPair));
    List<List<String>> passes = barePasses(statisticsForm);
    double[] prune = new double[n];
    double[] forward = new double[n];
    double[] bare = new double[n];
    double[] savedForm = new double[n];
    for (int r = 0; r < n; r++) {
      long t0 = System.nanoTime();
      forward(statisticsForm, x);
      long t1 = System.nanoTime();
      step.run(network, full, source);
      long t2 = System.nanoTime();
      for (List<String> pass : passes) {
        for (long start = 0; start < examples; start += batch) {
          statisticsForm.forward(x.get(NDArrayIndex.interval(start, Math.min(examples, start + batch))), pass).close();
        }
      }
      long t3 = System.nanoTime();
      forward(network, x);
      long t4 = System.nanoTime();
      forward[r] = (t1 - t0) / 1e9;
      prune[r] = (t2 - t1) / 1e9;
      bare[r] = (t3 - t2) / 1e9;
      savedForm[r] = (t4 - t3) / 1e9;
    }
    return new Result(architecture.id(), examples, score, Medians.of(prune), Medians.of(forward), Medians.of(bare),
        Medians.of(savedForm));
  }

  /** The layers each forward pass of a step reaches: convolutions, then everything. */
  private static List<List<String>> barePasses(ReliefNetwork network) {
    List<String> convs = network.topology().layersOfKind(LayerKind.CONV).stream().map(PrunableLayer::name).toList();
    List<String> all = network.topology().layers().stream().map(PrunableLayer::name).toList();
    return convs.isEmpty() ? List.of(all) : List.of(convs, all);
  }

  private void forward(ReliefNetwork network, INDArray x) {
    long n = x.size(0);
    for (long start = 0; start < n; start += batch) {
      network.output(x.get(NDArrayIndex.interval(start, Math.min(n, start + batch))));
    }
  }
}

package org.relief.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.relief.model.bench.BenchmarkData;
import org.relief.model.bench.CompactRetrainBenchmark;
import org.relief.model.net.NativeBackend;
import org.relief.model.bench.PruneStepBenchmark;
import org.relief.model.bench.TrainEpochBenchmark;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.data.DatasetKind;
import org.relief.model.data.ImageDataset;
import org.relief.model.data.TrainTest;
import org.relief.model.experiment.Execution;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.OpenMpThreads;
import org.relief.model.train.Checkpoint;
import org.relief.model.train.OptimizerKind;
import org.relief.spark.SparkExecution;
import org.relief.spark.SparkRuntime;
import org.relief.spark.SparkSettings;
import org.relief.spark.SparkStepBenchmark;
import org.relief.model.net.Architecture;
import org.relief.model.prune.ConvScore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code relief bench …}: benchmarks whose one-line results go into docs/BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks. Each prints one line of key=value pairs.",
    subcommands = {BenchCommand.PruneStep.class, BenchCommand.SparkStep.class, BenchCommand.TrainEpoch.class,
        BenchCommand.SweepThroughput.class, BenchCommand.CompactRetrain.class})
final class BenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return Relief.EXIT_INPUT;
  }

  /** One pruning step against one plain forward pass over the same examples, same JVM. */
  @Command(name = "prune-step", mixinStandardHelpOptions = true,
      description = {"Time one pruning step and one plain inference forward pass over the same N training images,",
          "through the layers the step's passes run on, after warm-up, in this JVM. Images: Fashion-MNIST for",
          "the LeNets, CIFAR-10 for the others (--dataset); read from --data, or Fashion-MNIST's Debian package,",
          "or else seeded synthetic images of the dataset's shape. Prints:",
          "  prune-step model=<m> n=<n> prune_s=<x> forward_s=<y> ratio=<x/y>"})
  static final class PruneStep implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Any architecture, e.g. lenet5, vgg-like, resnet20.")
    String model;

    @Option(names = "--examples", required = true, description = "Examples in the pruning set (N).")
    int examples;

    @Option(names = "--score", defaultValue = "frobenius", description = "Conv score: frobenius, sum or mean-l2 (default ${DEFAULT-VALUE}).")
    String score;

    @CommandLine.Mixin BenchDataOptions data;

    @Option(names = "--batch", defaultValue = "1000", description = "Examples per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--repeats", defaultValue = "0",
        description = "Timed repetitions; the median is reported (default: as many as fit in about 5 s).")
    int repeats;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Architecture architecture = Architecture.fromId(model);
      DatasetKind kind = data.kind(architecture);
      ImageDataset train = BenchmarkData.load(kind, data.dir, examples, 0).train();
      PruneStepBenchmark.Result r = new PruneStepBenchmark(architecture, examples, ConvScore.fromId(score), train, batch,
          repeats).run();
      spec.commandLine().getErr().println(r.floorLine() + " data=" + BenchmarkData.source(kind, data.dir));
      spec.commandLine().getErr().flush();
      PrintWriter out = spec.commandLine().getOut();
      out.println(r.line());
      out.flush();
      return 0;
    }
  }

  /** Which images a single-JVM benchmark reads. */
  static final class BenchDataOptions {
    @Option(names = "--dataset", defaultValue = "",
        description = "Dataset whose images (or shape) to use: fashion-mnist, cifar10, tiny-imagenet, ... (default:"
            + " fashion-mnist for the LeNets, cifar10 for the others).")
    String dataset;

    @Option(names = "--data", defaultValue = "",
        description = "Directory of the dataset's files (default: Fashion-MNIST's Debian package; synthetic images of the"
            + " dataset's shape for the others).")
    String dir;

    DatasetKind kind(Architecture architecture) {
      return dataset.isEmpty() ? BenchmarkData.defaultKind(architecture) : DatasetKind.fromId(dataset);
    }
  }

  /** Options every Spark benchmark takes. */
  static final class SparkBenchOptions {
    @Option(names = "--master", defaultValue = "", description = "Spark master when not run by spark-submit (default local[*]).")
    String master;

    @Option(names = "--work", defaultValue = "/tmp/relief-bench",
        description = "A directory every executor can read, for the data it is handed (default ${DEFAULT-VALUE}).")
    String work;
  }

  /** The pruning step with statistics on Spark against the single-JVM step. */
  @Command(name = "spark-step", mixinStandardHelpOptions = true,
      description = {"Time one pruning step with its statistics sharded over Spark executors against the same step in",
          "the driver JVM, over the same N training images (as for prune-step), alternating, after warm-up. Prints:",
          "  spark-step model=<m> n=<n> master=<url> partitions=<p> spark_s=<x> single_s=<y> ratio=<x/y>",
          "The master is spark-submit's, else --master, else local[*]."})
  static final class SparkStep implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Any architecture, e.g. lenet5, vgg-like, resnet20.")
    String model;

    @Option(names = "--examples", required = true, description = "Examples in the pruning set (N).")
    int examples;

    @Option(names = "--score", defaultValue = "sum", description = "Conv score (default ${DEFAULT-VALUE}).")
    String score;

    @Option(names = "--partitions", defaultValue = "0", description = "Partitions (default: Spark's default parallelism).")
    int partitions;

    @Option(names = "--batch", defaultValue = "500", description = "Examples per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed repetitions (default ${DEFAULT-VALUE}).")
    int repeats;

    @CommandLine.Mixin BenchDataOptions data;

    @CommandLine.Mixin SparkBenchOptions options;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Architecture architecture = Architecture.fromId(model);
      ConvScore variant = ConvScore.fromId(score);
      ImageDataset train = BenchmarkData.load(data.kind(architecture), data.dir, examples, 0).train();
      SparkSettings settings = new SparkSettings(options.master, SparkSettings.Place.SPARK, partitions, 2,
          SparkSettings.Place.LOCAL, 5, 2, false);
      try (JavaSparkContext sc = SparkRuntime.start(settings, "relief bench spark-step")) {
        String line = new SparkStepBenchmark(sc, architecture, examples, variant, batch, partitions, repeats,
            options.work + "/spark-step").run(train).line();
        spec.commandLine().getOut().println(line);
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }

  /** Compact retraining against masked full-size retraining at one iteration of a run. */
  @Command(name = "compact-retrain", mixinStandardHelpOptions = true,
      description = {"Time one epoch of retraining at an iteration of a run, full-size with its masks held at zero",
          "and as its compact network (train.retrain-compact), alternating, after a warm-up of each, with the run's",
          "training settings and training images. Prints:",
          "  compact-retrain model=<m> iteration=<k> n=<n> units_surviving=<u>% params=<p> compact_params=<c>",
          "  masked_epoch_s=<x> compact_epoch_s=<y> ratio=<y/x> compact_setup_s=<s> run=<dir>"})
  static final class CompactRetrain implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "A run directory (any Hadoop URI).")
    String run;

    @Option(names = "--iteration", defaultValue = "-1", description = "Iteration whose masks and weights to retrain (default: the last).")
    int iteration;

    @Option(names = "--examples", defaultValue = "10000", description = "Training images per epoch (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--repeats", defaultValue = "1", description = "Epochs timed each way; medians are reported (default ${DEFAULT-VALUE}).")
    int repeats;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.println(CompactRetrainBenchmark.run(run, iteration, examples, Math.max(1, repeats)).line());
      out.flush();
      return 0;
    }
  }

  /** One epoch of masked training, in this JVM or with parameter averaging on Spark. */
  @Command(name = "train-epoch", mixinStandardHelpOptions = true,
      description = {"Time one epoch of masked training (half of the weights and biases pruned at random; Adam, batch 120; crop-flip",
          "augmentation for colour images) after a warm-up on a tenth of the data, in this JVM (--training local) or",
          "with DL4J parameter averaging on Spark (--training spark). Images as for prune-step. Prints:",
          "  train-epoch model=<m> n=<n> epoch_s=<s> images_per_s=<x> natives=<variant> threads=<t> spin=<GOMP_SPINCOUNT> helpers=<h>",
          "  training=<t> test_acc=<a>"})
  static final class TrainEpoch implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Any architecture, e.g. lenet5, vgg-like, resnet20.")
    String model;

    @Option(names = "--examples", defaultValue = "60000", description = "Training examples (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--training", defaultValue = "local", description = "local or spark (default ${DEFAULT-VALUE}).")
    String training;

    @Option(names = "--averaging-frequency", defaultValue = "5", description = "spark: minibatches between averagings.")
    int averagingFrequency;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam's learning rate (default ${DEFAULT-VALUE}).")
    double learningRate;

    @CommandLine.Mixin BenchDataOptions data;

    @CommandLine.Mixin SparkBenchOptions options;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Architecture architecture = Architecture.fromId(model);
      SparkSettings.Place place = org.relief.model.config.Identified.parse(SparkSettings.Place.values(), training, "training");
      DatasetKind kind = this.data.kind(architecture);
      TrainTest data = BenchmarkData.load(kind, this.data.dir, examples, Math.max(500, examples / 6));
      ImageDataset train = data.train().head(examples);
      NetworkSpec network = new NetworkSpec(architecture, kind.channels(), kind.height(), kind.width(), kind.classes(), 42);
      ExperimentSettings.Train t = new ExperimentSettings.Train(OptimizerKind.ADAM, learningRate, 0.9, 0, 120, 1, List.of(), 1,
          List.of(), 0.1, Checkpoint.LAST, 0, true, kind.channels() == 3, false); // augment as train.augment = auto does
      SparkSettings settings = new SparkSettings(options.master, SparkSettings.Place.LOCAL, 0, 2, place, averagingFrequency,
          2, false);
      String work = options.work + "/train-epoch";
      TrainEpochBenchmark.Result r;
      if (place == SparkSettings.Place.SPARK) {
        try (JavaSparkContext sc = SparkRuntime.start(settings, "relief bench train-epoch")) {
          r = new TrainEpochBenchmark(network, new SparkExecution(sc, settings).trainer(network, t, 42, work), "spark")
              .run(train, data.test());
        }
      } else {
        r = new TrainEpochBenchmark(network, Execution.local().trainer(network, t, 42, work), "local").run(train, data.test());
      }
      spec.commandLine().getOut().println(r.line(NativeBackend.variant(), NativeBackend.threads(), OpenMpThreads.spinRounds()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** A sweep's trials per second in per-task mode on several local masters, one process. */
  @Command(name = "sweep-throughput", mixinStandardHelpOptions = true,
      description = {"Run the same sweep (per-task mode) on each master in turn, into fresh directories, after a",
          "one-trial warm-up, and compare wall times. Prints one line per master, then:",
          "  sweep-throughput trials=<n> <master>_s=<s>… ratio=<first_s / last_s>"})
  static final class SweepThroughput implements Callable<Integer> {
    @Option(names = "--sweep", defaultValue = "conf/bench-sweep-8.conf", description = "Sweep file (default ${DEFAULT-VALUE}).")
    String sweep;

    @Option(names = "--masters", defaultValue = "local[1],local[2]", split = ",",
        description = "Masters to compare (default ${DEFAULT-VALUE}).")
    List<String> masters;

    @Option(names = "--work", defaultValue = "/tmp/relief-bench-sweep", description = "Scratch directory (emptied).")
    String work;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      java.nio.file.Path scratch = java.nio.file.Paths.get(work);
      org.apache.hadoop.fs.Path scratchPath = org.relief.model.io.HadoopFiles.path(work);
      org.relief.model.io.HadoopFiles.fileSystem(scratchPath).delete(scratchPath, true);
      // warm-up: one trial, so that class loading and the JIT do not count against the first master
      runSweep(masters.get(0), scratch.resolve("warmup").toString(), true);
      StringBuilder summary = new StringBuilder();
      double first = 0;
      double last = 0;
      int trials = 0;
      for (String master : masters) {
        long t0 = System.nanoTime();
        trials = runSweep(master, scratch.resolve(master.replaceAll("[^A-Za-z0-9]", "")).toString(), false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf(java.util.Locale.ROOT, "sweep master=%s trials=%d seconds=%.1f trials_per_min=%.2f%n", master, trials,
            seconds, 60 * trials / seconds);
        out.flush();
        summary.append(' ').append(master.replaceAll("[^A-Za-z0-9]", "")).append("_s=")
            .append(String.format(java.util.Locale.ROOT, "%.1f", seconds));
        first = first == 0 ? seconds : first;
        last = seconds;
      }
      out.printf(java.util.Locale.ROOT, "sweep-throughput trials=%d%s ratio=%.2f%n", trials, summary, first / last);
      out.flush();
      return 0;
    }

    private int runSweep(String master, String output, boolean oneTrial) {
      com.typesafe.config.Config config = org.relief.model.config.ExperimentConfig.load(sweep,
          List.of("sweep.output=\"" + output + "\"", "spark.master=\"" + master + "\""));
      org.relief.spark.sweep.SweepPlan plan = org.relief.spark.sweep.SweepPlan.of(config, sweep);
      SparkSettings spark = SparkSettings.from(config);
      org.relief.spark.sweep.SweepLedger ledger = org.relief.spark.sweep.SweepLedger.open(plan, false, true);
      try (JavaSparkContext sc = SparkRuntime.start(spark, "relief bench sweep-throughput")) {
        if (oneTrial) {
          new org.relief.spark.sweep.SweepRunner(sc, spark).runOnly(ledger, 1);
        } else {
          new org.relief.spark.sweep.SweepRunner(sc, spark).run(ledger);
        }
      }
      return oneTrial ? 1 : plan.trials().size();
    }
  }
}

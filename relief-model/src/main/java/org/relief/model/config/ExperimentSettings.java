package org.relief.model.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import java.util.ArrayList;
import java.util.List;
import org.relief.model.ReliefInputException;
import org.relief.model.baseline.PrunerKind;
import org.relief.model.baseline.RemainingSchedule;
import org.relief.model.data.DatasetKind;
import org.relief.model.experiment.BeforeRetraining;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.ResNetStem;
import org.relief.model.prune.ConvScore;
import org.relief.model.prune.PruningSettings;
import org.relief.model.train.Checkpoint;
import org.relief.model.train.OptimizerKind;

/**
 * Every key of an experiment read into a checked, immutable field (the keys and defaults are
 * documented in {@code reference.conf}). Built once from the merged configuration; everything
 * below it receives these values, never a {@code Config}. A value out of range is a
 * {@link ReliefInputException} naming the key, the value and where it was written.
 */
public final class ExperimentSettings {

  /** {@code relief.experiment}. */
  public record Experiment(String name, String output, long seed) {}

  /** {@code relief.dataset}; {@code path} is resolved (never empty). */
  public record Dataset(DatasetKind kind, String path, int trainSubset, int testSubset) {}

  /** {@code relief.prune}. */
  public record Prune(int iterations, double alphaConv, double alphaFc, ConvScore convScore, int pruningSetSize,
      int batchSize, BeforeRetraining beforeRetraining, ResNetStem resnetStem, PrunerKind pruner,
      List<Double> schedule, String matchRun) {
    public Prune {
      schedule = List.copyOf(schedule);
    }

    /**
     * A baseline's targets: the schedule if given (one per iteration), else the matched run's,
     * read when asked; a matched run that stopped early (stop.max-accuracy-drop) has fewer.
     */
    public RemainingSchedule remainingSchedule() {
      return schedule.isEmpty() ? RemainingSchedule.fromRun(matchRun)
          : RemainingSchedule.of(schedule, "relief.prune.schedule").covering(iterations);
    }

    public PruningSettings step() {
      return new PruningSettings(alphaConv, alphaFc, convScore);
    }
  }

  /** {@code relief.stop}. */
  public record Stop(java.util.OptionalDouble maxAccuracyDrop) {}

  /** {@code relief.train}. */
  public record Train(OptimizerKind optimizer, double learningRate, double momentum, double weightDecay, int batchSize,
      int pretrainEpochs, List<Integer> pretrainMilestones, int retrainEpochs, List<Integer> retrainMilestones,
      double gamma, Checkpoint checkpoint, int validationSize, boolean shuffle, boolean augment, boolean retrainCompact) {
    public Train {
      pretrainMilestones = List.copyOf(pretrainMilestones);
      retrainMilestones = List.copyOf(retrainMilestones);
    }
  }

  private final Experiment experiment;
  private final Architecture architecture;
  private final Dataset dataset;
  private final Prune prune;
  private final Train train;
  private final Stop stop;
  private final String rendered;

  private ExperimentSettings(Experiment experiment, Architecture architecture, Dataset dataset, Prune prune, Train train,
      Stop stop, String rendered) {
    this.experiment = experiment;
    this.architecture = architecture;
    this.dataset = dataset;
    this.prune = prune;
    this.train = train;
    this.stop = stop;
    this.rendered = rendered;
  }

  /** Reads and checks every key of a configuration merged by {@link ExperimentConfig}. */
  public static ExperimentSettings from(Config config) {
    Reader r = new Reader(config);
    String name = r.string("relief.experiment.name");
    if (name.isBlank() || !name.matches("[A-Za-z0-9._-]+")) {
      throw r.bad("relief.experiment.name", "must be non-empty letters, digits, '.', '_' or '-'");
    }
    String output = r.string("relief.experiment.output");
    Experiment experiment = new Experiment(name, output.isBlank() ? "runs/" + name : output, r.longValue("relief.experiment.seed"));

    Architecture architecture = r.choice("relief.network.architecture", Architecture.values(), "architecture");

    DatasetKind kind = r.choice("relief.dataset.name", DatasetKind.values(), "dataset");
    String path = r.string("relief.dataset.path");
    if (path.isBlank()) {
      path = kind.defaultPath();
      if (path.isBlank()) {
        throw r.bad("relief.dataset.path", "is required for dataset " + kind.id()
            + " (a directory holding its files)");
      }
    }
    Dataset dataset = new Dataset(kind, path, r.atLeast("relief.dataset.train-subset", 0), r.atLeast("relief.dataset.test-subset", 0));
    try {
      architecture.checkInput(kind.channels(), kind.height(), kind.width(), "dataset " + kind.id());
    } catch (ReliefInputException e) {
      throw r.bad("relief.network.architecture", e.getMessage());
    }

    Prune prune = new Prune(
        r.atLeast("relief.prune.iterations", 0),
        r.alpha("relief.prune.alpha-conv"),
        r.alpha("relief.prune.alpha-fc"),
        r.choice("relief.prune.conv-score", ConvScore.values(), "convolution score"),
        r.atLeast("relief.prune.pruning-set-size", 1),
        r.atLeast("relief.prune.batch-size", 1),
        r.choice("relief.prune.before-retraining", BeforeRetraining.values(), "before-retraining choice"),
        r.choice("relief.prune.resnet-stem", ResNetStem.values(), "resnet-stem choice"),
        r.choice("relief.prune.pruner", PrunerKind.values(), "pruner"),
        r.read("relief.prune.schedule", config::getDoubleList),
        r.string("relief.prune.match-run"));
    if (prune.pruner() != PrunerKind.NNRELIEF) {
      if (prune.schedule().isEmpty() && prune.matchRun().isBlank()) {
        throw r.bad("relief.prune.schedule", "is empty and relief.prune.match-run is not set: the baseline "
            + prune.pruner().id() + " needs the remaining % to reach per iteration");
      }
      String problem = RemainingSchedule.problem(prune.schedule());
      if (problem != null) {
        throw r.bad("relief.prune.schedule", problem);
      }
      if (!prune.schedule().isEmpty() && prune.schedule().size() < prune.iterations()) {
        throw r.bad("relief.prune.schedule", "has " + prune.schedule().size() + " targets for "
            + prune.iterations() + " iterations (relief.prune.iterations)");
      }
    }

    Train train = new Train(
        r.choice("relief.train.optimizer", OptimizerKind.values(), "optimizer"),
        r.positive("relief.train.learning-rate"),
        r.inRange("relief.train.momentum", 0.0, 1.0),
        r.nonNegative("relief.train.weight-decay"),
        r.atLeast("relief.train.batch-size", 1),
        r.atLeast("relief.train.pretrain-epochs", 0),
        r.milestones("relief.train.pretrain-milestones"),
        r.atLeast("relief.train.retrain-epochs", 0),
        r.milestones("relief.train.retrain-milestones"),
        r.positive("relief.train.gamma"),
        r.choice("relief.train.checkpoint", Checkpoint.values(), "checkpoint rule"),
        r.atLeast("relief.train.validation-size", 0),
        r.bool("relief.train.shuffle"),
        augment(r, kind),
        r.bool("relief.train.retrain-compact"));
    if (train.checkpoint() == Checkpoint.VALIDATION && train.validationSize() == 0) {
      throw r.bad("relief.train.validation-size", "must be > 0 with train.checkpoint = validation");
    }

    Stop stop = new Stop(r.offOrNonNegative("relief.stop.max-accuracy-drop"));

    return new ExperimentSettings(experiment, architecture, dataset, prune, train, stop, render(experimentKeys(config)));
  }

  public Experiment experiment() {
    return experiment;
  }

  public Architecture architecture() {
    return architecture;
  }

  public Dataset dataset() {
    return dataset;
  }

  public Prune prune() {
    return prune;
  }

  public Train train() {
    return train;
  }

  public Stop stop() {
    return stop;
  }

  /** The network this experiment builds: its architecture on its dataset's image shape and classes, its seed. */
  public NetworkSpec networkSpec() {
    DatasetKind kind = dataset.kind();
    return new NetworkSpec(architecture, kind.channels(), kind.height(), kind.width(), kind.classes(),
        experiment.seed(), prune.resnetStem() == ResNetStem.REFERENCE);
  }

  /**
   * The resolved experiment keys as HOCON, without comments (see {@link #experimentKeys}): what
   * the output directory records, and what a resumed run must match.
   */
  public String rendered() {
    return rendered;
  }

  /**
   * True if {@code storedRendered} (a {@link #rendered()} from an earlier run) describes the
   * same experiment: every key equal except where the output goes, so a run directory can be
   * moved or copied and still resume.
   */
  public boolean sameExperimentAs(String storedRendered) {
    Config stored;
    try {
      stored = com.typesafe.config.ConfigFactory.parseString(storedRendered).getConfig("relief");
    } catch (ConfigException e) {
      return false;
    }
    Config mine = com.typesafe.config.ConfigFactory.parseString(rendered).getConfig("relief");
    return render(stored.withoutPath(OUTPUT)).equals(render(mine.withoutPath(OUTPUT)));
  }

  private static final String OUTPUT = "experiment.output";

  /** {@code train.augment}: auto means crop-flip for 3-channel images (CIFAR, Tiny-ImageNet). */
  private static boolean augment(Reader r, DatasetKind kind) {
    String value = r.string("relief.train.augment");
    return switch (value) {
      case "auto" -> kind.channels() == 3;
      case "none" -> false;
      case "crop-flip" -> true;
      default -> throw r.bad("relief.train.augment", "must be auto, none or crop-flip");
    };
  }

  /**
   * The {@code relief} subtree without the keys of where work runs ({@code relief.spark}) and of
   * sweeps ({@code relief.sweep}): what an experiment's results depend on, and what its run
   * directory records. A run started on a laptop resumes on a cluster.
   */
  public static Config experimentKeys(Config config) {
    return config.getConfig("relief").withoutPath("spark").withoutPath("sweep");
  }

  /** HOCON of an experiment-keys subtree (see {@link #experimentKeys}), without comments, keys sorted. */
  public static String renderExperiment(Config relief) {
    return render(relief);
  }

  private static String render(Config relief) {
    return relief.root().atKey("relief").root()
        .render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false));
  }

  @Override
  public String toString() {
    return "ExperimentSettings[" + experiment + ", architecture=" + architecture.id() + ", " + dataset + ", " + prune
        + ", " + train + ", " + stop + "]";
  }

  /** Typed, range-checked reads whose errors name the key, the value and its origin. */
  private static final class Reader {
    private final Config config;

    Reader(Config config) {
      this.config = config;
    }

    ReliefInputException bad(String key, String problem) {
      String value = config.hasPath(key) ? config.getValue(key).render() : "(missing)";
      String where = config.hasPath(key) ? config.getValue(key).origin().description() : "reference.conf";
      return new ReliefInputException(where + ": " + key + " = " + value + " " + problem);
    }

    <T> T read(String key, java.util.function.Function<String, T> getter) {
      try {
        return getter.apply(key);
      } catch (ConfigException e) {
        throw new ReliefInputException(e.getMessage(), e);
      }
    }

    String string(String key) {
      return read(key, config::getString);
    }

    long longValue(String key) {
      return read(key, config::getLong);
    }

    boolean bool(String key) {
      return read(key, config::getBoolean);
    }

    int atLeast(String key, int min) {
      int v = read(key, config::getInt);
      if (v < min) {
        throw bad(key, "must be >= " + min);
      }
      return v;
    }

    double inRange(String key, double min, double max) {
      double v = read(key, config::getDouble);
      if (!(v >= min && v <= max)) {
        throw bad(key, "must be in [" + min + ", " + max + "]");
      }
      return v;
    }

    double positive(String key) {
      double v = read(key, config::getDouble);
      if (!(v > 0) || Double.isInfinite(v)) {
        throw bad(key, "must be > 0");
      }
      return v;
    }

    double nonNegative(String key) {
      double v = read(key, config::getDouble);
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw bad(key, "must be >= 0");
      }
      return v;
    }

    /** "off", or a number >= 0. */
    java.util.OptionalDouble offOrNonNegative(String key) {
      if (config.hasPath(key) && config.getValue(key).valueType() == com.typesafe.config.ConfigValueType.STRING
          && "off".equals(config.getString(key))) {
        return java.util.OptionalDouble.empty();
      }
      try {
        return java.util.OptionalDouble.of(nonNegative(key));
      } catch (ReliefInputException e) {
        throw bad(key, "must be off or a number >= 0");
      }
    }

    double alpha(String key) {
      double v = read(key, config::getDouble);
      if (!(v > 0 && v <= 1)) {
        throw bad(key, "must be in (0, 1]");
      }
      return v;
    }

    List<Integer> milestones(String key) {
      List<Integer> values = read(key, config::getIntList);
      List<Integer> out = new ArrayList<>();
      int previous = 0;
      for (int v : values) {
        if (v <= previous) {
          throw bad(key, "must be increasing epochs > 0");
        }
        out.add(v);
        previous = v;
      }
      return out;
    }

    <E extends Identified> E choice(String key, E[] values, String what) {
      String id = string(key);
      try {
        return Identified.parse(values, id, what);
      } catch (ReliefInputException e) {
        throw bad(key, "is not valid: " + e.getMessage());
      }
    }
  }
}

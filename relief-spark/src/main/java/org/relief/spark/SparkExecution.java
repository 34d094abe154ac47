package org.relief.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.experiment.Execution;
import org.relief.model.net.NetworkSpec;
import org.relief.model.prune.ActivitySource;
import org.relief.model.train.PhaseTrainer;

/**
 * An experiment's heavy work on Spark, as {@code relief.spark} asks: statistics sharded over
 * executors or in the driver, training in the driver or with parameter averaging. It names
 * every Spark job after the run's current phase ("iteration 3: pruning step: conv statistics").
 */
public final class SparkExecution implements Execution {
  private final JavaSparkContext sc;
  private final SparkSettings settings;
  private final Execution local = Execution.local();
  private volatile String phase = "relief";

  public SparkExecution(JavaSparkContext sc, SparkSettings settings) {
    this.sc = sc;
    this.settings = settings;
  }

  @Override
  public ActivitySource statistics(NetworkSpec spec, INDArray examples, int batchSize, String runDirectory) {
    if (settings.statistics() == SparkSettings.Place.LOCAL) {
      return local.statistics(spec, examples, batchSize, runDirectory);
    }
    return new ShardedActivitySource(sc, spec, examples, batchSize, runDirectory, settings, () -> phase);
  }

  @Override
  public PhaseTrainer trainer(NetworkSpec spec, ExperimentSettings.Train train, long seed, String runDirectory) {
    if (settings.training() == SparkSettings.Place.LOCAL) {
      return local.trainer(spec, train, seed, runDirectory);
    }
    return new ParameterAveragingTrainer(sc, spec, train, settings, seed, runDirectory, () -> phase);
  }

  @Override
  public String trainingMode() {
    return settings.training().id();
  }

  @Override
  public void phase(String description) {
    phase = description;
  }
}

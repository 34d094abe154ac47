package org.relief.spark;

import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.bench.Medians;
import org.relief.model.data.ImageDataset;
import org.relief.model.data.PruningSet;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.ConvScore;
import org.relief.model.prune.LocalActivitySource;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.prune.PruningSettings;
import org.relief.model.prune.PruningStep;

/**
 * One pruning step with its statistics sharded over Spark executors against the same step in
 * the driver JVM, over the same N training images, alternating in one run after warm-up:
 * the medians and their ratio (distributed ÷ single JVM).
 */
public final class SparkStepBenchmark {

  public record Result(String model, int examples, String master, int partitions, double sparkSeconds,
      double singleSeconds) {
    public String line() {
      return String.format(Locale.ROOT, "spark-step model=%s n=%d master=%s partitions=%d spark_s=%.3f single_s=%.3f ratio=%.3f",
          model, examples, master, partitions, sparkSeconds, singleSeconds, sparkSeconds / singleSeconds);
    }
  }

  private final JavaSparkContext sc;
  private final Architecture architecture;
  private final int examples;
  private final ConvScore score;
  private final int batch;
  private final int partitions;
  private final int repeats;
  private final String workDirectory;

  public SparkStepBenchmark(JavaSparkContext sc, Architecture architecture, int examples, ConvScore score, int batch,
      int partitions, int repeats, String workDirectory) {
    this.sc = sc;
    this.architecture = architecture;
    this.examples = examples;
    this.score = score;
    this.batch = batch;
    this.partitions = partitions > 0 ? partitions : sc.defaultParallelism();
    this.repeats = repeats;
    this.workDirectory = workDirectory;
  }

  public Result run(ImageDataset train) {
    NetworkSpec spec = new NetworkSpec(architecture, train.channels(), train.height(), train.width(), train.classes(), 42);
    ReliefNetwork network = spec.build();
    INDArray x = train.features(PruningSet.sampleIndices(train.size(), examples, 42), spec.batchShape(examples));
    SparkSettings settings = new SparkSettings("", SparkSettings.Place.SPARK, partitions, 2, SparkSettings.Place.LOCAL,
        5, 2, false);
    ShardedActivitySource sharded = new ShardedActivitySource(sc, spec, x, batch, workDirectory, settings,
        () -> "bench spark-step");
    LocalActivitySource single = new LocalActivitySource(spec, x, batch, 1);
    PruningStep step = new PruningStep(new PruningSettings(0.9, 0.95, score));
    NetworkMasks full = NetworkMasks.full(network.topology());

    step.run(network, full, sharded); // warm-up: executors build their networks, JIT
    step.run(network, full, single);
    double[] spark = new double[repeats];
    double[] local = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      NetworkMasks a = step.run(network, full, sharded).masks();
      long t1 = System.nanoTime();
      NetworkMasks b = step.run(network, full, single).masks();
      long t2 = System.nanoTime();
      if (!a.equals(b)) {
        throw new IllegalStateException("sharded and single-JVM masks differ");
      }
      spark[r] = (t1 - t0) / 1e9;
      local[r] = (t2 - t1) / 1e9;
    }
    return new Result(architecture.id(), examples, sc.master(), partitions, Medians.of(spark), Medians.of(local));
  }
}

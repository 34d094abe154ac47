package org.relief.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.conformance.ConformanceCheck;
import org.relief.model.data.ImageDataset;
import org.relief.model.data.MnistFormat;
import org.relief.model.data.PruningSet;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PassWorkspace;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.ConvScore;
import org.relief.model.prune.LocalActivitySource;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.prune.PruningSettings;
import org.relief.model.prune.PruningStep;

/** Statistics computed on Spark executors give exactly the single-JVM masks. */
class ShardedActivitySourceTest {
  static JavaSparkContext sc;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  static SparkSettings partitions(int p) {
    return new SparkSettings("", SparkSettings.Place.SPARK, p, 2, SparkSettings.Place.LOCAL, 5, 2, false);
  }

  static Path fixture(String name) {
    Path dir = Paths.get(System.getProperty("relief.conformance.dir", "../shared/conformance")).resolve(name);
    assumeTrue(Files.isRegularFile(dir.resolve("manifest.json")), "fixture " + dir.toAbsolutePath() + " is absent");
    return dir;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void theConformanceFixturesGiveZeroMismatchesOnSpark(int partitions) {
    for (String name : new String[] {"lenet300-100_seed42", "lenet5_seed42"}) {
      Path work = tmp.resolve(name + "-" + partitions);
      ConformanceCheck.Report report = ConformanceCheck.run(fixture(name).toString(),
          (spec, examples) -> new ShardedActivitySource(sc, spec, examples, 32, work.toString(), partitions(partitions),
              () -> "conformance"));
      assertTrue(report.entries() > 0);
      assertEquals(0, report.mismatches(), report.summary() + " with " + partitions + " partitions");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void aFashionMnistPruningSetGivesTheSingleJvmMasks(int partitions) {
    String data = System.getProperty("relief.fashion-mnist.dir", MnistFormat.DEBIAN_FASHION_MNIST);
    assumeTrue(Files.isDirectory(Paths.get(data)), "Fashion-MNIST is absent at " + data);
    ImageDataset train = MnistFormat.load(data, "fashion-mnist", "train");
    NetworkSpec spec = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 5);
    ReliefNetwork network = spec.build();
    INDArray examples = train.features(PruningSet.sampleIndices(train.size(), 700, 1), spec.batchShape(700));
    for (ConvScore score : ConvScore.values()) {
      PruningStep step = new PruningStep(new PruningSettings(0.9, 0.95, score));
      NetworkMasks single = step.run(network, NetworkMasks.full(network.topology()),
          new LocalActivitySource(spec, examples, 100, 1)).masks();
      NetworkMasks sharded = step.run(network, NetworkMasks.full(network.topology()),
          new ShardedActivitySource(sc, spec, examples, 100, tmp.resolve("fm-" + partitions).toString(),
              partitions(partitions), () -> "test")).masks();
      assertEquals(single, sharded, score + " with " + partitions + " partitions");
    }
  }

  @Test
  void executorThreadsFreeTheirPassMemoryWhenAStatisticsTaskEnds() {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 5);
    INDArray examples = Nd4j.rand(DataType.FLOAT, spec.batchShape(64));
    ShardedActivitySource sharded = new ShardedActivitySource(sc, spec, examples, 16, tmp.resolve("release").toString(),
        partitions(2), () -> "release");
    ReliefNetwork network = spec.build();
    new PruningStep(new PruningSettings(0.9, 0.95, ConvScore.SUM)).run(network, NetworkMasks.full(network.topology()),
        sharded);

    List<Integer> tasks = List.of(0, 1, 2, 3, 4, 5, 6, 7);
    assertEquals(List.of(false, false, false, false, false, false, false, false),
        sc.parallelize(tasks, tasks.size()).map(i -> PassWorkspace.heldByThisThread()).collect());
    // the check sees memory a pass leaves behind: closed, but not released
    List<Boolean> kept = sc.parallelize(List.of(0, 1), 2).map(i -> {
      ReliefNetwork n = spec.build();
      n.forward(Nd4j.rand(DataType.FLOAT, spec.batchShape(2)), List.of("conv1")).close();
      boolean held = PassWorkspace.heldByThisThread();
      PassWorkspace.release();
      return held;
    }).collect();
    assertEquals(List.of(true, true), kept);
  }
}

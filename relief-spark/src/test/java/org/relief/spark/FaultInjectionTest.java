package org.relief.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.ConvScore;
import org.relief.model.prune.LocalActivitySource;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.prune.PruningSettings;
import org.relief.model.prune.PruningStep;

/** A statistics task that fails once mid-partition is retried, and the masks do not change. */
class FaultInjectionTest {
  static JavaSparkContext sc;
  static final AtomicInteger failedTasks = new AtomicInteger();
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    sc = LocalSpark.start("local[2,2]"); // 2 threads, a task may fail once
    sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (!end.taskInfo().successful()) {
          failedTasks.incrementAndGet();
        }
      }
    });
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  @Test
  void aRetriedTaskDoesNotCountTwice() throws Exception {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 9);
    ReliefNetwork network = spec.build();
    Random random = new Random(4);
    float[] values = new float[400 * 784];
    for (int k = 0; k < values.length; k++) {
      values[k] = random.nextFloat();
    }
    INDArray examples = Nd4j.create(values, spec.batchShape(400), 'c');
    PruningStep step = new PruningStep(new PruningSettings(0.9, 0.95, ConvScore.SUM));
    SparkSettings faulty = new SparkSettings("", SparkSettings.Place.SPARK, 2, 2, SparkSettings.Place.LOCAL, 5, 2, true);

    NetworkMasks clean = step.run(network, NetworkMasks.full(network.topology()),
        new LocalActivitySource(spec, examples, 50, 1)).masks();
    NetworkMasks retried = step.run(network, NetworkMasks.full(network.topology()),
        new ShardedActivitySource(sc, spec, examples, 50, tmp.toString(), faulty, () -> "fault test")).masks();

    sc.sc().listenerBus().waitUntilEmpty();
    assertEquals(1, failedTasks.get(), "the injected fault fired once and the task was retried");
    assertEquals(clean, retried);
  }
}

package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad Spark input: one stderr line, exit 2, nothing written. */
class SparkRunErrorsTest {
  @TempDir Path tmp;

  @Test
  void anUnreachableMasterFailsFastNamingIt() throws Exception {
    Path conf = tmp.resolve("x.conf");
    Files.writeString(conf, "relief.experiment.output = \"" + tmp.resolve("out") + "\"");
    long t0 = System.nanoTime();
    CliRun run = CliRun.of("run", conf.toString(), "--set", "spark.master=\"spark://127.0.0.1:1\"");
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains("cannot reach Spark master spark://127.0.0.1:1"), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue((System.nanoTime() - t0) / 1e9 < 30, "fails in seconds, not after Spark's retries");
    assertFalse(Files.exists(tmp.resolve("out")));
  }

  @Test
  void aPruningSetLargerThanTheTrainingDataIsNamed() throws Exception {
    String data = System.getProperty("relief.fashion-mnist.dir", "/usr/share/datasets/fashion-mnist");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of(data)), "Fashion-MNIST is absent at " + data);
    Path conf = tmp.resolve("x.conf");
    Files.writeString(conf, "relief { experiment.output = \"" + tmp.resolve("out") + "\", dataset { path = \"" + data
        + "\", train-subset = 1000 }, train.validation-size = 200, prune.pruning-set-size = 900 }");
    CliRun run = CliRun.of("run", conf.toString());
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains("prune.pruning-set-size = 900") && run.err().contains("800 training examples"), run.err());
    assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
  }

  @Test
  void anUnknownSparkKeyIsNamed() throws Exception {
    Path conf = tmp.resolve("x.conf");
    Files.writeString(conf, "relief.spark.trainng = spark");
    CliRun run = CliRun.of("run", conf.toString());
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains("relief.spark.trainng") && run.err().contains("relief.spark.training"), run.err());
  }
}

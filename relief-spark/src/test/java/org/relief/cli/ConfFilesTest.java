package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.relief.model.config.ExperimentConfig;
import org.relief.model.config.ExperimentSettings;
import org.relief.spark.SparkSettings;
import org.relief.spark.sweep.SweepPlan;
import org.relief.spark.sweep.Trial;

/** Every file in conf/ is valid: experiments read into settings, sweeps expand into valid trials. */
class ConfFilesTest {
  static final Path CONF = Paths.get(System.getProperty("relief.root", "..")).resolve("conf");

  @Test
  void everyConfFileIsValid() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(CONF)) {
      files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    for (Path file : files) {
      Config config = ExperimentConfig.load(file.toString(), List.of());
      SparkSettings.from(config);
      if (config.getConfig("relief.sweep.grid").isEmpty() && config.getList("relief.sweep.trials").isEmpty()) {
        ExperimentSettings.from(config);
      } else {
        SweepPlan plan = SweepPlan.of(config, file.toString());
        for (Trial t : plan.trials()) {
          assertNull(t.invalid(), file + " trial " + t.params());
        }
      }
    }
  }

  @Test
  void theLenetSweepPairsEachOptimizerWithItsLearningRate() {
    Config config = ExperimentConfig.load(CONF.resolve("lenet-mnist-sweep.conf").toString(), List.of());
    SweepPlan plan = SweepPlan.of(config, "lenet-mnist-sweep.conf");
    assertEquals(36, plan.trials().size());
    for (Trial t : plan.trials()) {
      ExperimentSettings s = ExperimentSettings.from(
          ExperimentConfig.merge(com.typesafe.config.ConfigFactory.parseString(t.config()), List.of()));
      double expected = s.train().optimizer() == org.relief.model.train.OptimizerKind.SGD ? 0.1 : 0.001;
      assertEquals(expected, s.train().learningRate(), t.params().toString());
    }
  }
}

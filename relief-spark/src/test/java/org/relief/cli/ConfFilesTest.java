package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relief.model.data.DatasetKind;
import org.relief.model.net.Architecture;
import org.relief.model.experiment.BeforeRetraining;
import org.relief.model.prune.ConvScore;
import org.relief.model.train.OptimizerKind;
import org.relief.spark.sweep.SweepRunner;
import org.relief.spark.sweep.SweepSettings;
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

  static ExperimentSettings settings(String file) {
    return ExperimentSettings.from(ExperimentConfig.load(CONF.resolve(file).toString(), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // file, architecture, dataset, optimizer, lr, alpha-conv, alpha-fc, iterations, pruning set, retrain epochs, milestones
      "vgg-like-cifar10.conf, vgg-like, cifar10, ADAM, 0.001, 0.95, 0.95, 6, 1000, 60, 20 40",
      "resnet20-cifar10.conf, resnet20, cifar10, SGD, 0.1, 0.95, 0.99, 10, 1000, 60, 20 40",
      "resnet56-cifar100.conf, resnet56, cifar100, ADAM, 0.001, 0.95, 0.99, 10, 2000, 80, 30 60"})
  void thePapersLargeSetupsAreTheReferenceHyperparameters(String file, String architecture, String dataset,
      OptimizerKind optimizer, double lr, double alphaConv, double alphaFc, int iterations, int pruningSet,
      int retrainEpochs, String milestones) {
    ExperimentSettings s = settings(file);
    assertEquals(architecture, s.architecture().id());
    assertEquals(dataset, s.dataset().kind().id());
    assertEquals(optimizer, s.train().optimizer());
    assertEquals(lr, s.train().learningRate());
    assertEquals(alphaConv, s.prune().alphaConv());
    assertEquals(alphaFc, s.prune().alphaFc());
    assertEquals(iterations, s.prune().iterations());
    assertEquals(pruningSet, s.prune().pruningSetSize());
    assertEquals(retrainEpochs, s.train().retrainEpochs());
    assertEquals(Arrays.stream(milestones.split(" ")).map(Integer::valueOf).toList(), s.train().retrainMilestones());
    assertEquals(ConvScore.MEAN_L2, s.prune().convScore(), "the reference's VGG/ResNet score");
    assertEquals(BeforeRetraining.FINE_TUNE, s.prune().beforeRetraining(), "the reference fine-tunes VGG/ResNet");
    assertTrue(s.train().augment());
  }

  @Test
  void theTinyImagenetSweepRunsBothNetworksDistributed() {
    Config config = ExperimentConfig.load(CONF.resolve("tiny-imagenet-sweep.conf").toString(), List.of());
    SweepPlan plan = SweepPlan.of(config, "tiny-imagenet-sweep.conf");
    assertEquals(16, plan.trials().size());
    assertEquals(SweepSettings.Mode.DISTRIBUTED, SweepRunner.mode(plan));
    Set<Architecture> architectures = EnumSet.noneOf(Architecture.class);
    for (Trial t : plan.trials()) {
      ExperimentSettings s = ExperimentSettings.from(ExperimentConfig.merge(ConfigFactory.parseString(t.config()), List.of()));
      assertEquals(DatasetKind.TINY_IMAGENET, s.dataset().kind());
      architectures.add(s.architecture());
    }
    assertEquals(EnumSet.of(Architecture.VGG16, Architecture.RESNET18), architectures);
  }
}

package org.relief.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.relief.model.baseline.PrunerKind;
import org.relief.model.ReliefInputException;
import org.relief.model.data.DatasetKind;
import org.relief.model.net.Architecture;
import org.relief.model.prune.ConvScore;
import org.relief.model.train.Checkpoint;
import org.relief.model.train.OptimizerKind;

/** reference.conf defaults, overrides, and every kind of refusal. */
public class ExperimentSettingsTest {

  public static ExperimentSettings settings(String user, String... overrides) {
    return ExperimentSettings.from(ExperimentConfig.merge(ConfigFactory.parseString(user), List.of(overrides)));
  }

  static String error(String user, String... overrides) {
    return assertThrows(ReliefInputException.class, () -> settings(user, overrides)).getMessage();
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    ExperimentSettings s = settings("");
    assertEquals(Architecture.LENET_300_100, s.architecture());
    assertEquals(DatasetKind.FASHION_MNIST, s.dataset().kind());
    assertEquals("/usr/share/datasets/fashion-mnist", s.dataset().path());
    assertEquals("runs/experiment", s.experiment().output());
    assertEquals(0.95, s.prune().alphaFc());
    assertEquals(ConvScore.FROBENIUS, s.prune().convScore());
    assertEquals(OptimizerKind.ADAM, s.train().optimizer());
    assertEquals(Checkpoint.VALIDATION, s.train().checkpoint());
    assertEquals(List.of(30), s.train().retrainMilestones());
    assertFalse(s.train().retrainCompact());
  }

  @Test
  void overridesWinWithOrWithoutTheRootPrefix() {
    ExperimentSettings s = settings("relief.prune.alpha-fc = 0.8", "prune.alpha-fc=0.7", "relief.train.optimizer=sgd",
        "train.retrain-milestones=[20, 40]");
    assertEquals(0.7, s.prune().alphaFc());
    assertEquals(OptimizerKind.SGD, s.train().optimizer());
    assertEquals(List.of(20, 40), s.train().retrainMilestones());
  }

  @Test
  void unknownKeysAreRefusedWithTheirOriginAndASuggestion() {
    String m = error("relief.train.lerning-rate = 0.1");
    assertTrue(m.contains("relief.train.lerning-rate") && m.contains("did you mean 'relief.train.learning-rate'"), m);
    assertTrue(error("", "train.epochs=3").contains("--set train.epochs=3"), "an override names itself as origin");
    assertTrue(error("other.key = 1").contains("unknown key 'other.key'"));
  }

  @Test
  void outOfRangeValuesNameKeyAndValue() {
    assertTrue(error("relief.prune.alpha-conv = 0").contains("relief.prune.alpha-conv = 0"));
    assertTrue(error("relief.train.learning-rate = -1").contains("must be > 0"));
    assertTrue(error("relief.train.retrain-milestones = [40, 20]").contains("increasing"));
    assertTrue(error("relief.train.validation-size = 0").contains("relief.train.validation-size"));
    assertTrue(error("relief.prune.conv-score = l1").contains("relief.prune.conv-score"));
    assertTrue(error("relief.experiment.name = \"a b\"").contains("relief.experiment.name"));
    assertTrue(error("relief.train.retrain-compact = maybe").contains("relief.train.retrain-compact"));
  }

  @Test
  void theStoppingToleranceIsOffOrPointsOfAccuracy() {
    assertTrue(settings("").stop().maxAccuracyDrop().isEmpty(), "off by default");
    assertEquals(1.5, settings("relief.stop.max-accuracy-drop = 1.5").stop().maxAccuracyDrop().getAsDouble());
    assertEquals(0.0, settings("", "stop.max-accuracy-drop=0").stop().maxAccuracyDrop().getAsDouble());
    String negative = error("relief.stop.max-accuracy-drop = -1");
    assertTrue(negative.contains("relief.stop.max-accuracy-drop = -1") && negative.contains("off or a number >= 0"), negative);
    assertTrue(error("relief.stop.max-accuracy-drop = lots").contains("relief.stop.max-accuracy-drop"));
  }

  @Test
  void aBaselineNeedsTheRemainingPercentToReachPerIteration() {
    assertEquals(PrunerKind.NNRELIEF, settings("").prune().pruner());
    ExperimentSettings s = settings("relief.prune { pruner = magnitude-global, iterations = 2, schedule = [50, 20] }");
    assertEquals(20.0, s.prune().remainingSchedule().percentAfter(2));
    String none = error("relief.prune.pruner = random");
    assertTrue(none.contains("relief.prune.schedule") && none.contains("match-run"), none);
    assertTrue(error("relief.prune { pruner = random, iterations = 2, schedule = [20, 50] }")
        .contains("none above the one before"));
    assertTrue(error("relief.prune { pruner = random, iterations = 3, schedule = [50, 20] }")
        .contains("has 2 targets for 3 iterations"));
    assertTrue(error("relief.prune.pruner = l1").contains("relief.prune.pruner"));
  }

  @Test
  void aDatasetWithoutAUsualPlaceNeedsAPath() {
    String m = error("relief.dataset.name = mnist");
    assertTrue(m.contains("relief.dataset.path") && m.contains("mnist"), m);
    assertEquals("/data/mnist", settings("relief.dataset { name = mnist, path = /data/mnist }").dataset().path());
  }

  @Test
  void anArchitectureThatCannotTakeTheDatasetIsRefused() {
    String m = error("relief { network.architecture = lenet5, dataset { name = cifar10, path = /x } }");
    assertTrue(m.contains("relief.network.architecture") && m.contains("3x32x32"), m);
  }

  @Test
  void theSameExperimentIgnoresOnlyWhereItsOutputGoes() {
    ExperimentSettings a = settings("relief.experiment.output = /a");
    assertTrue(settings("relief.experiment.output = /b").sameExperimentAs(a.rendered()));
    assertFalse(settings("relief.experiment.output = /a", "prune.iterations=6").sameExperimentAs(a.rendered()));
    assertFalse(a.sameExperimentAs("not hocon {{{"));
  }

  @Test
  void javaSystemPropertiesDoNotLeakIntoAnExperiment() {
    System.setProperty("relief.prune.alpha-fc", "0.5");
    System.setProperty("relief.smuggled", "x");
    try {
      ExperimentSettings s = settings("");
      assertEquals(0.95, s.prune().alphaFc());
      assertFalse(s.rendered().contains("smuggled"), s.rendered());
    } finally {
      System.clearProperty("relief.prune.alpha-fc");
      System.clearProperty("relief.smuggled");
    }
  }
}

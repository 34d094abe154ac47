package org.relief.model.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.ReliefInputException;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.config.ExperimentSettingsTest;

/** What a run directory does with what it finds. */
class RunDirectoryTest {
  @TempDir Path tmp;

  private ExperimentSettings settings(String... overrides) {
    return ExperimentSettingsTest.settings("relief.experiment.output = \"" + tmp.resolve("run") + "\"", overrides);
  }

  @Test
  void aNewRunRecordsItsConfigurationFirst() {
    RunDirectory dir = RunDirectory.open(tmp.resolve("run").toString(), settings(), false);
    assertFalse(dir.resumed());
    assertTrue(Files.isRegularFile(tmp.resolve("run/config.conf")));
    assertTrue(dir.table(false).isEmpty());
  }

  @Test
  void anUnfinishedRunOfTheSameExperimentResumes() {
    RunDirectory.open(tmp.resolve("run").toString(), settings(), false)
        .writeTable(new IterationTable(false).add(IterationTableTest.row(0, 100)));
    RunDirectory again = RunDirectory.open(tmp.resolve("run").toString(), settings(), false);
    assertTrue(again.resumed());
    assertEquals(0, again.table(false).last().iter());
  }

  @Test
  void anUnfinishedRunOfAnotherExperimentIsRefusedUnlessOverwritten() {
    RunDirectory.open(tmp.resolve("run").toString(), settings(), false);
    ReliefInputException e = assertThrows(ReliefInputException.class,
        () -> RunDirectory.open(tmp.resolve("run").toString(), settings("prune.alpha-fc=0.9"), false));
    assertTrue(e.getMessage().contains("different configuration") && e.getMessage().contains("alpha-fc"), e.getMessage());
    assertFalse(RunDirectory.open(tmp.resolve("run").toString(), settings("prune.alpha-fc=0.9"), true).resumed());
  }

  @Test
  void aFinishedRunIsRefusedAndReplacedOnlyWithOverwrite() {
    RunDirectory.open(tmp.resolve("run").toString(), settings(), false).markSuccess();
    assertThrows(ReliefInputException.class, () -> RunDirectory.open(tmp.resolve("run").toString(), settings(), false));
    assertTrue(Files.exists(tmp.resolve("run/_SUCCESS")), "refusing leaves it untouched");
    RunDirectory.open(tmp.resolve("run").toString(), settings(), true);
    assertFalse(Files.exists(tmp.resolve("run/_SUCCESS")), "overwrite starts over");
  }

  @Test
  void overwriteNeverDeletesADirectoryThatIsNotARun() throws Exception {
    Files.createDirectories(tmp.resolve("run"));
    Files.writeString(tmp.resolve("run/thesis.tex"), "years of work");
    ReliefInputException e = assertThrows(ReliefInputException.class,
        () -> RunDirectory.open(tmp.resolve("run").toString(), settings(), true));
    assertTrue(e.getMessage().contains("holds no Relief run"), e.getMessage());
    assertEquals("years of work", Files.readString(tmp.resolve("run/thesis.tex")));
  }
}

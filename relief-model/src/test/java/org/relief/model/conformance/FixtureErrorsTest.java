package org.relief.model.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.ReliefInputException;

/** A broken fixture is an error naming the file or value, never a silent pass. */
class FixtureErrorsTest {
  @TempDir Path tmp;

  @Test
  void aMismatchingFixtureCountsEveryDifferingEntry() throws Exception {
    Path dir = SyntheticFixture.write(tmp.resolve("synthetic"), 0.9);
    ConformanceCheck.Report report = ConformanceCheck.run(dir.toString());
    // the fixture claims nothing is pruned; the step prunes, so every pruned entry is a mismatch
    assertTrue(report.mismatches() > 0);
    assertEquals(2 * 266_610, report.entries());
    assertEquals("conformance synthetic: " + report.mismatches() + " mismatches of 533220 mask entries", report.summary());
  }

  @Test
  void aMissingTensorFileIsNamed() throws Exception {
    Path dir = SyntheticFixture.write(tmp.resolve("f"), 0.9);
    Files.delete(dir.resolve("fc2_weight.bin"));
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> ConformanceCheck.run(dir.toString()));
    assertTrue(e.getMessage().contains("fc2_weight.bin") && e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void aTensorShorterThanItsShapeIsNamed() throws Exception {
    Path dir = SyntheticFixture.write(tmp.resolve("f"), 0.9);
    byte[] b = Files.readAllBytes(dir.resolve("mask_fc1_bias.bin"));
    Files.write(dir.resolve("mask_fc1_bias.bin"), Arrays.copyOf(b, b.length - 4));
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> ConformanceCheck.run(dir.toString()));
    assertTrue(e.getMessage().contains("mask_fc1_bias.bin") && e.getMessage().contains("fewer"), e.getMessage());
  }

  @Test
  void aTensorOfTheWrongShapeIsNamed() throws Exception {
    Path dir = SyntheticFixture.write(tmp.resolve("f"), 0.9);
    SyntheticFixture.setShape(dir, "params_before", "fc1.weight", 784, 300); // same size, transposed
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> ConformanceCheck.run(dir.toString()));
    assertTrue(e.getMessage().contains("fc1_weight.bin") && e.getMessage().contains("[784, 300]")
        && e.getMessage().contains("[300, 784]"), e.getMessage());
  }

  @Test
  void anAlphaOutsideTheUnitIntervalIsNamedWithItsValue() throws Exception {
    Path dir = SyntheticFixture.write(tmp.resolve("f"), 1.5);
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> ConformanceCheck.run(dir.toString()));
    assertTrue(e.getMessage().contains("alpha_fc") && e.getMessage().contains("1.5")
        && e.getMessage().contains("manifest.json"), e.getMessage());
  }

  @Test
  void aDirectoryWithoutManifestIsRefused() {
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> ConformanceCheck.run(tmp.toString()));
    assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
  }
}

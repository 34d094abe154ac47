package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code relief conformance}: the command-line contract and its errors. */
class ConformanceCommandTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"lenet300-100_seed42", "lenet5_seed42"})
  void aReferenceFixturePrintsZeroMismatchesLastAndExitsZero(String name) {
    Path dir = Paths.get(System.getProperty("relief.conformance.dir", "../shared/conformance")).resolve(name);
    assumeTrue(Files.isRegularFile(dir.resolve("manifest.json")),
        "conformance fixture " + dir.toAbsolutePath() + " is absent: set -Drelief.conformance.dir");

    CliRun run = CliRun.of("conformance", dir.toString());

    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.lastLine().matches("conformance " + name + ": 0 mismatches of \\d+ mask entries"), run.lastLine());
  }

  @Test
  void aDirectoryWithoutManifestIsOneLineOnStderrAndExitTwo() {
    CliRun run = CliRun.of("conformance", tmp.toString());

    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains("manifest.json"), run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace without --debug");
  }

  @Test
  void anAlphaOutsideTheUnitIntervalIsNamedWithItsValue() throws Exception {
    Files.writeString(tmp.resolve("manifest.json"), "{\"model\": \"lenet300-100\", \"alpha_conv\": null, \"alpha_fc\": 1.5}");
    CliRun run = CliRun.of("conformance", tmp.toString());
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains("alpha_fc") && run.err().contains("1.5"), run.err());
  }

  @Test
  void debugAddsTheStackTrace() {
    CliRun run = CliRun.of("conformance", "--debug", tmp.toString());
    assertEquals(Relief.EXIT_INPUT, run.exit());
    assertTrue(run.err().contains("\tat "), run.err());
  }
}

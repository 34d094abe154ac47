package org.relief.model.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract with the paper's reference code: one pruning step on each LeNet fixture gives
 * exactly the reference's masks, before and after the backward walk.
 *
 * <p>Fixtures are found through the system property {@code relief.conformance.dir} (default
 * {@code ../shared/conformance}); where they are absent the test is reported as skipped by a
 * failed assumption, never as passed.
 */
class ConformanceCheckTest {

  static Path fixtureDir(String name) {
    Path root = Paths.get(System.getProperty("relief.conformance.dir", "../shared/conformance"));
    Path dir = root.resolve(name);
    assumeTrue(Files.isRegularFile(dir.resolve("manifest.json")),
        "conformance fixture " + dir.toAbsolutePath() + " is absent: set -Drelief.conformance.dir");
    return dir;
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet300-100_seed42", "lenet5_seed42"})
  void lenetFixturesGiveZeroMismatches(String name) {
    ConformanceCheck.Report report = ConformanceCheck.run(fixtureDir(name).toString());

    report.tensors().forEach(t -> System.out.println(t));
    assertTrue(report.entries() > 0, "compared nothing");
    assertEquals(2, report.tensors().stream().map(ConformanceCheck.TensorResult::stage).distinct().count(),
        "both stages (after and before the backward walk) are compared");
    assertEquals(0, report.mismatches(), report.summary());
  }

  @org.junit.jupiter.api.Test
  void vggLikeFixtureGivesZeroMismatchesAndTheReferencesBatchNormValues() {
    ConformanceCheck.Report report = ConformanceCheck.run(fixtureDir("vgg-like_seed42").toString());

    assertEquals(2 * 14_982_474L, report.entries(), "VGG-like's weights and biases, after and before the backward walk");
    assertEquals(0, report.mismatches(), report.summary());
    assertEquals(13 * 4, report.batchNorm().size(), "gamma, beta, mean, variance of 13 BatchNorms");
    assertEquals(0, report.batchNormMismatches(), "BN parameters of removed filters zeroed exactly as the reference");
  }

  @org.junit.jupiter.api.Test
  void resnet20FixtureGivesZeroMismatchesWithShortcutMasksAndTheReferencesBatchNormValues() {
    ConformanceCheck.Report report = ConformanceCheck.run(fixtureDir("resnet20_seed42").toString());

    report.tensors().stream().filter(t -> t.mismatches() > 0).forEach(System.out::println);
    // conv weights 267,696 (no conv biases), linear 640 + 10, shortcut masks 3·16 + 3·32 + 3·64
    assertEquals(2 * (267_696L + 650 + 336), report.entries(), "every mask entry, after and before the backward walk");
    assertTrue(report.tensors().stream().anyMatch(t -> t.tensor().equals("layer3.0.shortcut.mask")));
    assertEquals(0, report.mismatches(), report.summary());
    assertEquals(19 * 4, report.batchNorm().size(), "gamma, beta, mean, variance of 19 BatchNorms");
    assertEquals(0, report.batchNormMismatches(), "BN of removed filters zeroed, the stem's untouched, as the reference");
  }
}

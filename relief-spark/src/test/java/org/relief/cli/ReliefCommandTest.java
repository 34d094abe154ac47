package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root command and {@code relief bench}'s argument errors. */
class ReliefCommandTest {
  @TempDir Path tmp;

  @Test
  void noSubcommandPrintsUsageAndExitsTwo() {
    CliRun run = CliRun.of();
    assertEquals(Relief.EXIT_INPUT, run.exit());
    assertTrue(run.out().contains("conformance") && run.out().contains("bench"), run.out());
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    CliRun run = CliRun.of("bench", "prune-step", "--model", "lenet5", "--examples", "10", "--frobnicate");
    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.err().contains("--frobnicate"), run.err());
  }

  @Test
  void anUnknownModelOrScoreIsNamed() {
    CliRun model = CliRun.of("bench", "prune-step", "--model", "lenet7", "--examples", "10", "--data", tmp.toString());
    assertEquals(Relief.EXIT_INPUT, model.exit(), model.toString());
    assertTrue(model.err().contains("lenet7"), model.err());

    CliRun score = CliRun.of("bench", "prune-step", "--model", "lenet5", "--examples", "10", "--score", "l1");
    assertEquals(Relief.EXIT_INPUT, score.exit(), score.toString());
    assertTrue(score.err().contains("'l1'"), score.err());
  }

  @Test
  void missingDataSaysHowToInstallIt() {
    CliRun run = CliRun.of("bench", "prune-step", "--model", "lenet5", "--examples", "10", "--data",
        tmp.resolve("none").toString());
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains("apt-get install -y dataset-fashion-mnist"), run.err());
  }

  @Test
  void pruneStepBenchPrintsTheContractLineOnRealData() {
    String data = System.getProperty("relief.fashion-mnist.dir", "/usr/share/datasets/fashion-mnist");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of(data)),
        "Fashion-MNIST is absent at " + data + ": apt-get install -y dataset-fashion-mnist");
    CliRun run = CliRun.of("bench", "prune-step", "--model", "lenet5", "--examples", "40", "--score", "frobenius",
        "--repeats", "1", "--data", data);
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.lastLine().matches(
        "prune-step model=lenet5 n=40 prune_s=[0-9.]+ forward_s=[0-9.]+ ratio=[0-9.]+"), run.lastLine());
    assertTrue(run.err().contains("floor_ratio="), run.err());
  }

  @Test
  void aCorruptIdxFileIsNamed() throws Exception {
    for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"}) {
      Files.write(tmp.resolve(f), new byte[] {0, 0, 9, 9, 0, 0, 0, 1});
    }
    CliRun run = CliRun.of("bench", "prune-step", "--model", "lenet5", "--examples", "10", "--data", tmp.toString());
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains("train-images-idx3-ubyte") && run.err().contains("magic"), run.err());
  }

  @Test
  void pruneStepBenchRunsAResNetOnSyntheticCifarShapedImages() {
    CliRun run = CliRun.of("bench", "prune-step", "--model", "resnet20", "--examples", "8", "--score", "mean-l2",
        "--repeats", "1");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.lastLine().matches(
        "prune-step model=resnet20 n=8 prune_s=[0-9.]+ forward_s=[0-9.]+ ratio=[0-9.]+"), run.lastLine());
    assertTrue(run.err().contains("data=synthetic-cifar10"), "the line says the images were synthetic: " + run.err());
  }

  @Test
  void aBenchOnADatasetTheNetworkCannotTakeIsRefused() {
    CliRun run = CliRun.of("bench", "prune-step", "--model", "vgg-like", "--examples", "8", "--dataset", "mnist",
        "--data", tmp.toString());
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
  }
}

package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.MaskFile;
import org.relief.model.prune.NetworkMasks;

/**
 * {@code relief run} end to end on real Fashion-MNIST (a subset: seconds, not minutes): the
 * files, the columns, falling remaining %, zeros in the saved model, determinism, resume.
 */
class RunCommandTest {
  static final String DATA = System.getProperty("relief.fashion-mnist.dir", "/usr/share/datasets/fashion-mnist");
  @TempDir static Path shared;
  static Path firstRun;
  static CliRun first;

  static Path conf(Path dir, String output) throws IOException {
    Path conf = dir.resolve("experiment.conf");
    Files.writeString(conf, """
        relief {
          experiment { name = "it", output = "%s", seed = 3 }
          network.architecture = "lenet300-100"
          dataset { name = "fashion-mnist", path = "%s", train-subset = 3000, test-subset = 1000 }
          prune { iterations = 2, alpha-fc = 0.95, pruning-set-size = 300, batch-size = 300 }
          train {
            pretrain-epochs = 1, retrain-epochs = 1, batch-size = 100, validation-size = 500
            pretrain-milestones = [], retrain-milestones = []
          }
        }
        """.formatted(output, DATA));
    return conf;
  }

  @BeforeAll
  static void runOnce() throws IOException {
    assumeTrue(Files.isDirectory(Path.of(DATA)), "Fashion-MNIST is absent at " + DATA
        + ": apt-get install -y dataset-fashion-mnist");
    firstRun = shared.resolve("first");
    first = CliRun.of("run", conf(shared, firstRun.toString()).toString());
  }

  @Test
  void printsTheOutputDirectoryLastAndWritesEveryFile() {
    assertEquals(0, first.exit(), first.toString());
    assertEquals(firstRun.toUri().toString().replaceAll("/$", "").replace("file:///", "file:/"), first.lastLine());
    for (String f : List.of("config.conf", "iterations.csv", "_SUCCESS", "init/model.zip", "iter-000/model.zip",
        "iter-001/masks.bin", "iter-001/model.zip", "iter-002/masks.bin", "iter-002/model.zip")) {
      assertTrue(Files.isRegularFile(firstRun.resolve(f)), f + " missing");
    }
  }

  @Test
  void theIterationTableHasTheReferenceColumnsAndRemainingFalls() throws IOException {
    List<String> lines = Files.readAllLines(firstRun.resolve("iterations.csv"));
    List<String> header = Arrays.asList(lines.get(0).split(","));
    assertTrue(header.containsAll(List.of("seed", "iter", "acc_pruned", "acc_retrained", "cr", "remaining_percent",
        "architecture", "flops", "remaining", "remaining_weights", "remaining_biases", "prune_s", "retrain_s", "eval_s",
        "checkpoint", "training")), header.toString());
    assertFalse(header.contains("top5_pruned"), "top-5 only with more than 10 classes");
    assertEquals(4, lines.size(), "header + iterations 0, 1, 2");
    int col = header.indexOf("remaining_percent");
    double[] remaining = lines.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[col])).toArray();
    assertEquals(100.0, remaining[0]);
    assertTrue(remaining[1] < remaining[0] && remaining[2] < remaining[1], Arrays.toString(remaining));
    int acc = header.indexOf("acc_retrained");
    assertTrue(Double.parseDouble(lines.get(2).split(",")[acc]) > 60, "a trained LeNet-300-100 on Fashion-MNIST");
  }

  @Test
  void prunedWeightsAreZeroInTheSavedModel() throws IOException {
    assertTrue(prunedAreZero(firstRun, 2) > 266610 / 2, "most of the network is pruned after two steps");
  }

  /** Asserts that the saved model of the run's iteration holds 0 wherever its masks prune; returns how many that is. */
  static long prunedAreZero(Path run, int iteration) throws IOException {
    ReliefNetwork shape = new NetworkSpec(Architecture.LENET_300_100, 1, 28, 28, 10, 0).build();
    Path dir = run.resolve(String.format("iter-%03d", iteration));
    NetworkMasks masks = MaskFile.read(dir.resolve("masks.bin").toString(), shape.topology());
    MultiLayerNetwork saved;
    try (InputStream in = Files.newInputStream(dir.resolve("model.zip"))) {
      saved = ModelSerializer.restoreMultiLayerNetwork(in, false);
    }
    float[] params = saved.params().toFloatVector();
    float[] mask = masks.toFlat(shape.layout());
    long pruned = 0;
    for (int k = 0; k < params.length; k++) {
      if (mask[k] == 0f) {
        pruned++;
        assertEquals(0f, params[k], run + ": pruned parameter " + k);
      }
    }
    return pruned;
  }

  @Test
  void theSameSeedGivesTheSameMasks() throws IOException {
    Path again = shared.resolve("again");
    Files.createDirectories(shared.resolve("conf-again"));
    CliRun second = CliRun.of("run", conf(shared.resolve("conf-again"), again.toString()).toString());
    assertEquals(0, second.exit(), second.toString());
    for (String it : List.of("iter-001", "iter-002")) {
      assertEquals(MaskFile.read(firstRun.resolve(it + "/masks.bin").toString()),
          MaskFile.read(again.resolve(it + "/masks.bin").toString()), it);
    }
    assertEquals(column(firstRun, "acc_retrained"), column(again, "acc_retrained"));
  }

  @Test
  void anotherProcessWithTheSameSeedGivesTheSameMasks() throws Exception {
    Path other = shared.resolve("other-process");
    Files.createDirectories(shared.resolve("conf-other"));
    Path conf = conf(shared.resolve("conf-other"), other.toString());
    List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx2g",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1",
        "-cp", System.getProperty("java.class.path"), "org.relief.cli.Relief", "run", conf.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(shared.resolve("other.log").toFile()).start();
    assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) && p.exitValue() == 0, Files.readString(shared.resolve("other.log")));
    for (String it : List.of("iter-001", "iter-002")) {
      assertEquals(MaskFile.read(firstRun.resolve(it + "/masks.bin").toString()),
          MaskFile.read(other.resolve(it + "/masks.bin").toString()), it + " in a separate JVM");
    }
    assertEquals(column(firstRun, "acc_retrained"), column(other, "acc_retrained"));
  }

  @Test
  void aKilledRunResumesFromItsLastCompletedIteration() throws IOException {
    Path killed = shared.resolve("killed");
    copy(firstRun, killed);
    // as if the process died while retraining iteration 2: its row and _SUCCESS were never written
    Files.delete(killed.resolve("_SUCCESS"));
    List<String> lines = Files.readAllLines(killed.resolve("iterations.csv"));
    Files.write(killed.resolve("iterations.csv"), lines.subList(0, lines.size() - 1));
    Files.createDirectories(shared.resolve("conf-killed"));
    // a copied run directory resumes: only experiment.output differs from its config.conf
    Path conf = conf(shared.resolve("conf-killed"), killed.toString());

    CliRun resumed = CliRun.of("run", conf.toString());

    assertEquals(0, resumed.exit(), resumed.toString());
    assertTrue(Files.exists(killed.resolve("_SUCCESS")));
    assertEquals(4, Files.readAllLines(killed.resolve("iterations.csv")).size());
    assertEquals(MaskFile.read(firstRun.resolve("iter-002/masks.bin").toString()),
        MaskFile.read(killed.resolve("iter-002/masks.bin").toString()),
        "resuming gives the masks of the uninterrupted run");
  }

  /**
   * Runs a 3-iteration experiment into {@code shared/<name>} that stops after iteration 1:
   * alpha 0.1 keeps the connections carrying 10 % of each neuron's activity, far beyond a 0.5
   * point tolerance.
   */
  static CliRun stoppingRun(String name) throws IOException {
    Files.createDirectories(shared.resolve("conf-" + name));
    Path conf = conf(shared.resolve("conf-" + name), shared.resolve(name).toString());
    return CliRun.of("run", conf.toString(), "--set", "prune.iterations=3", "--set", "prune.alpha-fc=0.1",
        "--set", "stop.max-accuracy-drop=0.5");
  }

  @Test
  void theFirstIterationBeyondTheAccuracyToleranceEndsTheRun() throws IOException {
    Path stopped = shared.resolve("stopped");
    CliRun run = stoppingRun("stopped");

    assertEquals(0, run.exit(), run.toString());
    List<String> rows = Files.readAllLines(stopped.resolve("iterations.csv"));
    assertEquals(3, rows.size(), "header, the dense network and iteration 1 only: " + rows);
    assertFalse(Files.exists(stopped.resolve("iter-002")));
    String result = Files.readString(stopped.resolve("result.json"));
    assertTrue(result.contains("\"result_iter\": 0") && result.contains("\"stopped_early\": true")
        && result.contains("\"last_iter\": 1"), result);
    assertTrue(Files.exists(stopped.resolve("_SUCCESS")));
    assertTrue(Files.readString(firstRun.resolve("result.json")).contains("\"result_iter\": 2"),
        "without a tolerance the last iteration is the result");
  }

  @Test
  void aBaselineMatchesNnreliefsRemainingPercentIterationByIteration() throws IOException {
    Path baseline = shared.resolve("magnitude");
    Files.createDirectories(shared.resolve("conf-magnitude"));
    Path conf = conf(shared.resolve("conf-magnitude"), baseline.toString());
    CliRun run = CliRun.of("run", conf.toString(), "--set", "prune.pruner=magnitude-global",
        "--set", "prune.match-run=\"" + firstRun + "\"");

    assertEquals(0, run.exit(), run.toString());
    List<String> nnrelief = column(firstRun, "remaining_percent");
    List<String> magnitude = column(baseline, "remaining_percent");
    assertEquals(nnrelief, magnitude, "the same budget at every iteration");
    assertEquals(column(firstRun, "acc_retrained").get(0), column(baseline, "acc_retrained").get(0),
        "the same dense network (same seed)");
  }

  @Test
  void aBaselineMatchedToARunThatStoppedEarlyStopsThereToo() throws IOException {
    Path stopped = shared.resolve("stopped-to-match");
    assertEquals(0, stoppingRun("stopped-to-match").exit());
    Path baseline = shared.resolve("random-matched");
    Files.createDirectories(shared.resolve("conf-random-matched"));

    CliRun run = CliRun.of("run", conf(shared.resolve("conf-random-matched"), baseline.toString()).toString(),
        "--set", "prune.iterations=3", "--set", "prune.pruner=random", "--set", "prune.match-run=\"" + stopped + "\"");

    assertEquals(0, run.exit(), run.toString());
    assertEquals(column(stopped, "remaining_percent"), column(baseline, "remaining_percent"),
        "the iterations the matched run made, at its budgets, and no more");
    assertTrue(Files.exists(baseline.resolve("_SUCCESS")));
  }

  @Test
  void aBaselineWhoseRunToMatchIsMissingWritesNothing() throws IOException {
    Path baseline = shared.resolve("unmatched");
    Files.createDirectories(shared.resolve("conf-unmatched"));
    Path conf = conf(shared.resolve("conf-unmatched"), baseline.toString());
    CliRun run = CliRun.of("run", conf.toString(), "--set", "prune.pruner=random",
        "--set", "prune.match-run=\"" + shared.resolve("no-such-run") + "\"");

    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains("no-such-run/iterations.csv"), run.err());
    assertFalse(Files.exists(baseline), "nothing written");
  }

  @Test
  void compactRetrainingPrunesTheSameFirstMasksAndKeepsPrunedWeightsAtZero() throws IOException {
    Path compact = shared.resolve("compact");
    Files.createDirectories(shared.resolve("conf-compact"));
    CliRun run = CliRun.of("run", conf(shared.resolve("conf-compact"), compact.toString()).toString(),
        "--set", "train.retrain-compact=true");

    assertEquals(0, run.exit(), run.toString());
    // iteration 1 prunes the dense network, trained in full either way
    assertEquals(MaskFile.read(firstRun.resolve("iter-001/masks.bin").toString()),
        MaskFile.read(compact.resolve("iter-001/masks.bin").toString()));
    assertEquals(Double.parseDouble(column(firstRun, "acc_retrained").get(1)),
        Double.parseDouble(column(compact, "acc_retrained").get(1)), 2.0,
        "retraining the compact network is retraining the masked one (up to summation order and weight decay on dead units)");
    assertTrue(prunedAreZero(compact, 2) > 266610 / 2);
  }

  @Test
  void compactRetrainingWithSparkTrainingIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path refused = shared.resolve("compact-spark");
    Files.createDirectories(shared.resolve("conf-compact-spark"));
    CliRun run = CliRun.of("run", conf(shared.resolve("conf-compact-spark"), refused.toString()).toString(),
        "--set", "train.retrain-compact=true", "--set", "spark.training=spark");

    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains("relief.spark.training") && run.err().contains("relief.train.retrain-compact"), run.err());
    assertFalse(Files.exists(refused), "nothing written");
  }

  @Test
  void benchCompactRetrainTimesBothWaysAtARunsLastIteration() {
    CliRun bench = CliRun.of("bench", "compact-retrain", "--run", firstRun.toString(), "--examples", "600");

    assertEquals(0, bench.exit(), bench.toString());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("compact-retrain model=lenet300-100 iteration=2 n=600"
        + " units_surviving=[\\d.]+% params=266610 compact_params=(\\d+) masked_epoch_s=[\\d.]+ compact_epoch_s=[\\d.]+"
        + " ratio=[\\d.]+ compact_setup_s=-?[\\d.]+ run=.*first").matcher(bench.lastLine());
    assertTrue(m.matches(), bench.lastLine());
    assertTrue(Long.parseLong(m.group(1)) < 266610, bench.lastLine());
  }

  @Test
  void exportTakesTheResultIterationsModelAndMasksAway() throws IOException {
    Path out = shared.resolve("exported");
    CliRun export = CliRun.of("export", firstRun.toString(), "--output", out.toString());

    assertEquals(0, export.exit(), export.toString());
    assertTrue(export.lastLine().matches("export iter=2 parameters_dense=266610 parameters_remaining=\\d+ output=.*exported"),
        export.lastLine());
    MultiLayerNetwork model = ModelSerializer.restoreMultiLayerNetwork(out.resolve("model.zip").toFile());
    MultiLayerNetwork original = ModelSerializer.restoreMultiLayerNetwork(firstRun.resolve("iter-002/model.zip").toFile());
    assertEquals(original.params(), model.params());
    assertEquals(MaskFile.read(firstRun.resolve("iter-002/masks.bin").toString()),
        MaskFile.read(out.resolve("masks.bin").toString()));
    assertTrue(Files.readString(out.resolve("export.json")).contains("\"iteration\": 2"));
  }

  @Test
  void exportCompactWritesASmallerNetworkWithTheSameOutputs() throws IOException {
    Path out = shared.resolve("exported-compact");
    CliRun export = CliRun.of("export", firstRun.toString(), "--iteration", "1", "--compact", "--output", out.toString());

    assertEquals(0, export.exit(), export.toString());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("parameters_compact=(\\d+)").matcher(export.lastLine());
    assertTrue(m.find(), export.lastLine());
    MultiLayerNetwork masked = ModelSerializer.restoreMultiLayerNetwork(out.resolve("model.zip").toFile());
    MultiLayerNetwork compact = ModelSerializer.restoreMultiLayerNetwork(out.resolve("compact-model.zip").toFile());
    assertEquals(Long.parseLong(m.group(1)), compact.numParams());
    assertTrue(compact.numParams() < masked.numParams(), compact.numParams() + " vs " + masked.numParams());
    org.nd4j.linalg.api.ndarray.INDArray batch = org.nd4j.linalg.factory.Nd4j.rand(
        org.nd4j.linalg.api.buffer.DataType.FLOAT, 32, 784);
    assertEquals(0.0, masked.output(batch).sub(compact.output(batch)).amaxNumber().doubleValue(), 1e-5);
  }

  @Test
  void exportRefusesAnIterationBeyondTheLastACorruptMaskFileAndADirectoryWithoutResults() throws IOException {
    CliRun beyond = CliRun.of("export", firstRun.toString(), "--iteration", "7");
    assertEquals(Relief.EXIT_INPUT, beyond.exit(), beyond.toString());
    assertTrue(beyond.err().contains("--iteration 7") && beyond.err().contains("is 2"), beyond.err());

    Path corrupt = shared.resolve("corrupt-masks");
    copy(firstRun, corrupt);
    Path masks = corrupt.resolve("iter-001/masks.bin");
    byte[] bytes = Files.readAllBytes(masks);
    Files.write(masks, Arrays.copyOf(bytes, bytes.length / 2));
    CliRun truncated = CliRun.of("export", corrupt.toString(), "--iteration", "1");
    assertEquals(Relief.EXIT_INPUT, truncated.exit(), truncated.toString());
    assertTrue(truncated.err().contains("iter-001/masks.bin"), truncated.err());
    assertFalse(Files.exists(corrupt.resolve("export")), "nothing written");

    Path empty = Files.createDirectories(shared.resolve("no-results"));
    CliRun none = CliRun.of("export", empty.toString());
    assertEquals(Relief.EXIT_INPUT, none.exit(), none.toString());
    assertTrue(none.err().contains("holds no Relief results"), none.err());
  }

  @Test
  void reportWritesAPageWithReadableChartsAndTheTrialTable() throws IOException {
    CliRun report = CliRun.of("report", firstRun.toString());

    assertEquals(0, report.exit(), report.toString());
    Path page = firstRun.resolve("report/index.html");
    assertTrue(report.lastLine().endsWith("report/index.html"), report.lastLine());
    String html = Files.readString(page);
    for (String chart : List.of("accuracy.png", "compression.png", "flops.png", "units.png")) {
      assertTrue(html.contains("src=\"" + chart + "\""), chart + " not on the page");
      java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(firstRun.resolve("report/" + chart).toFile());
      assertTrue(image != null && image.getWidth() > 100 && image.getHeight() > 100, chart + " unreadable");
      java.util.Set<Integer> colours = new java.util.HashSet<>();
      for (int x = 0; x < image.getWidth(); x += 7) {
        for (int y = 0; y < image.getHeight(); y += 7) {
          colours.add(image.getRGB(x, y));
        }
      }
      assertTrue(colours.size() > 3, chart + " is blank");
    }
    assertTrue(html.contains("<table id=\"trials\">") && html.contains("<td>first</td>"), html);
    assertTrue(html.contains("speed-up (FLOPs)") && html.contains("params hash"));
  }

  @Test
  void reportOnADirectoryWithoutResultsFails() throws IOException {
    Path empty = Files.createDirectories(shared.resolve("nothing-to-report"));
    CliRun report = CliRun.of("report", empty.toString());
    assertEquals(Relief.EXIT_INPUT, report.exit(), report.toString());
    assertTrue(report.err().contains("holds no Relief results"), report.err());
    assertFalse(Files.exists(empty.resolve("report")), "nothing written");
  }

  @Test
  void aFinishedRunIsNotTouchedAgain() throws IOException {
    String before = Files.readString(firstRun.resolve("iterations.csv"));
    long modified = Files.getLastModifiedTime(firstRun.resolve("iter-002/model.zip")).toMillis();

    CliRun again = CliRun.of("run", shared.resolve("experiment.conf").toString());

    assertEquals(Relief.EXIT_INPUT, again.exit(), again.toString());
    assertTrue(again.err().contains("already holds a finished run") && again.err().contains("--overwrite"), again.err());
    assertEquals(1, again.err().strip().lines().count(), again.err());
    assertEquals(before, Files.readString(firstRun.resolve("iterations.csv")));
    assertEquals(modified, Files.getLastModifiedTime(firstRun.resolve("iter-002/model.zip")).toMillis());
  }

  static List<String> column(Path run, String name) throws IOException {
    List<String> lines = Files.readAllLines(run.resolve("iterations.csv"));
    int col = Arrays.asList(lines.get(0).split(",")).indexOf(name);
    return lines.stream().skip(1).map(l -> l.split(",")[col]).collect(Collectors.toList());
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}

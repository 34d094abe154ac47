package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relief sweep} on local[2] with real Fashion-MNIST subsets. */
class SweepCommandTest {
  static final String DATA = System.getProperty("relief.fashion-mnist.dir", "/usr/share/datasets/fashion-mnist");
  @TempDir Path tmp;

  static String base(Path output, String name) {
    return """
        relief {
          dataset { path = "%s", train-subset = 1500, test-subset = 400 }
          prune { iterations = 1, pruning-set-size = 200, batch-size = 100 }
          train {
            pretrain-epochs = 1, retrain-epochs = 1, batch-size = 100, validation-size = 300
            pretrain-milestones = [], retrain-milestones = []
          }
          spark.master = "local[2]"
          sweep { name = "%s", output = "%s", mode = "per-task" }
        }
        """.formatted(DATA, name, output);
  }

  static final String GRID = """
      relief.sweep.grid {
        network.architecture = [lenet300-100, lenet5]
        train.optimizer = [adam, sgd]
        prune.alpha-fc = [0.9, 0.95]
      }
      """;

  Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  static void assumeData() {
    assumeTrue(Files.isDirectory(Path.of(DATA)), "Fashion-MNIST is absent at " + DATA);
  }

  @Test
  void eightTrialsCompleteWithEveryRowExactlyOnceInCsvAndParquet() throws IOException {
    assumeData();
    Path out = tmp.resolve("sweep");
    CliRun run = CliRun.of("sweep", write("s.conf", base(out, "eight") + GRID).toString());

    assertEquals(0, run.exit(), run.toString());
    assertEquals("sweep eight: 8/8 trials done, 0 failed", run.lastLine());
    JsonNode ledger = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
    assertEquals(8, ledger.path("trials").size());
    ledger.path("trials").forEach(t -> assertEquals("done", t.path("state").asText(), t.toString()));
    ledger.path("trials").forEach(t -> assertTrue(Files.isRegularFile(out.resolve("logs/" + t.path("id").asText() + ".log")),
        "each forked trial's log is kept"));

    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertTrue(csv.get(0).startsWith("sweep,trial,network_architecture,prune_alpha_fc,train_optimizer,seed,iter,"), csv.get(0));
    assertEquals(1 + 8 * 2, csv.size(), "iterations 0 and 1 of 8 trials");
    Set<String> keys = new HashSet<>();
    for (String line : csv.subList(1, csv.size())) {
      String[] f = line.split(",");
      assertTrue(keys.add(f[1] + "/" + f[6]), "duplicate row " + line);
    }
    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    try {
      Dataset<Row> parquet = spark.read().parquet(out.resolve("results.parquet").toString());
      assertEquals(16, parquet.count());
      assertEquals(16, parquet.select("trial", "iter").distinct().count());
      assertEquals(4, parquet.filter("network_architecture = 'lenet5' AND iter = 1").count());
    } finally {
      spark.stop();
    }
  }

  @Test
  void aFailingTrialIsRecordedAndTheOthersFinish() throws IOException {
    assumeData();
    Path out = tmp.resolve("sweep");
    StringBuilder trials = new StringBuilder("relief.sweep.trials = [\n");
    for (int seed = 1; seed <= 7; seed++) {
      trials.append("  { experiment.seed = ").append(seed).append(" }\n");
    }
    Path missing = tmp.resolve("fashion-later");
    trials.append("  { experiment.seed = 8, dataset.path = \"").append(missing).append("\" }\n]\n");
    // this sweep runs its trials in the executor's JVM (the other tests fork, the default)
    Path conf = write("f.conf", base(out, "faulty") + trials + "relief.sweep.trial-jvm = in-task\n");

    CliRun run = CliRun.of("sweep", conf.toString());

    assertEquals(Relief.EXIT_PARTIAL, run.exit(), run.toString());
    assertEquals("sweep faulty: 7/8 trials done, 1 failed", run.lastLine());
    JsonNode failed = failedTrial(out);
    assertTrue(failed.path("error").asText().contains("fashion-later"), failed.toString());
    assertEquals(1, failed.path("attempts").asInt(), "a deterministic failure is not retried");
    assertEquals(1 + 7 * 2, Files.readAllLines(out.resolve("results.csv")).size());

    // the cause goes away; failed trials run again only when asked
    Files.createDirectories(missing);
    for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz"}) {
      Files.copy(Path.of(DATA, f), missing.resolve(f));
    }
    assertEquals(Relief.EXIT_PARTIAL, CliRun.of("sweep", conf.toString()).exit());
    CliRun retried = CliRun.of("sweep", conf.toString(), "--retry-failed");
    assertEquals(0, retried.exit(), retried.toString());
    assertEquals("sweep faulty: 8/8 trials done, 0 failed", retried.lastLine());
    assertEquals(1 + 8 * 2, Files.readAllLines(out.resolve("results.csv")).size());
  }

  @Test
  void aKilledDriverResumesWithoutTouchingFinishedTrials() throws Exception {
    assumeData();
    Path out = tmp.resolve("sweep");
    Path conf = write("k.conf", base(out, "killed") + GRID);
    List<String> java = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx3g"));
    java.addAll(List.of("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1",
        "-cp", System.getProperty("java.class.path"), "org.relief.cli.Relief", "sweep", conf.toString()));
    Process driver = new ProcessBuilder(java).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("driver.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (doneTrials(out) < 2 && driver.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertTrue(driver.isAlive(), "the sweep finished before it could be killed: " + Files.readString(tmp.resolve("driver.log")));
    long driverPid = driver.pid();
    driver.destroyForcibly().waitFor();
    long orphansDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (trialJvmsOf(driverPid) > 0 && System.nanoTime() < orphansDeadline) {
      Thread.sleep(200);
    }
    assertEquals(0, trialJvmsOf(driverPid), "forked trials end with the JVM that started them");
    int doneBefore = doneTrials(out);
    assertTrue(doneBefore >= 2 && doneBefore < 8, "killed mid-sweep: " + doneBefore + " done");
    Map<String, String> before = checksums(out, finishedTrialDirs(out));

    CliRun resumed = CliRun.of("sweep", conf.toString());

    assertEquals(0, resumed.exit(), resumed.toString());
    assertEquals("sweep killed: 8/8 trials done, 0 failed", resumed.lastLine());
    assertEquals(before, checksums(out, before.keySet().stream().map(k -> k.split("/")[1]).distinct().toList()),
        "finished trials' files are untouched");
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(1 + 16, csv.size());
    assertEquals(16, csv.stream().skip(1).map(l -> l.split(",")[1] + "/" + l.split(",")[6]).distinct().count());
  }

  @Test
  void badSweepsAreRefusedBeforeAnythingIsWritten() throws IOException {
    Path out = tmp.resolve("never");
    CliRun typo = CliRun.of("sweep", write("a.conf", base(out, "a") + "relief.sweep.grid.prune.alpah-fc = [0.9]").toString());
    assertEquals(Relief.EXIT_INPUT, typo.exit(), typo.toString());
    assertTrue(typo.err().contains("relief.prune.alpah-fc") && typo.err().contains("did you mean"), typo.err());

    CliRun empty = CliRun.of("sweep", write("b.conf", base(out, "b")).toString());
    assertEquals(Relief.EXIT_INPUT, empty.exit(), empty.toString());
    assertTrue(empty.err().contains("has no trials"), empty.err());

    CliRun emptyAxis = CliRun.of("sweep", write("c.conf", base(out, "c") + "relief.sweep.grid.prune.alpha-fc = []").toString());
    assertEquals(Relief.EXIT_INPUT, emptyAxis.exit(), emptyAxis.toString());
    assertTrue(emptyAxis.err().contains("non-empty list"), emptyAxis.err());

    CliRun twins = CliRun.of("sweep", write("d.conf", base(out, "d")
        + "relief.sweep.trials = [ { prune.alpha-fc = 0.9 }, { prune.alpha-fc = 0.90 } ]").toString());
    assertEquals(Relief.EXIT_INPUT, twins.exit(), twins.toString());
    assertTrue(twins.err().contains("identical"), twins.err());
    assertFalse(Files.exists(out), "nothing written");

    Path other = tmp.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("sweep.json"), "{\"sweep\": \"someone-else\", \"fingerprint\": \"0000\", \"trials\": []}");
    CliRun foreign = CliRun.of("sweep", write("e.conf", base(other, "e") + GRID).toString());
    assertEquals(Relief.EXIT_INPUT, foreign.exit(), foreign.toString());
    assertTrue(foreign.err().contains("belongs to a different sweep"), foreign.err());
    try (Stream<Path> files = Files.list(other)) {
      assertEquals(1, files.count(), "the other sweep's directory is untouched");
    }
  }

  @Test
  void aBaselineWaitsForItsNnreliefTrialAndFailsWithItWithoutRunning() throws IOException {
    Path out = tmp.resolve("paired");
    Path missing = tmp.resolve("no-data-here");
    // seed 1: NNrelief and its baseline, on data that is not there; seed 2: a baseline alone
    Path conf = write("paired.conf", base(out, "paired") + """
        relief.sweep.trials = [
          { experiment.seed = 1, prune.pruner = magnitude-global, dataset.path = "%1$s" }
          { experiment.seed = 1, prune.pruner = nnrelief, dataset.path = "%1$s" }
          { experiment.seed = 2, prune.pruner = random }
        ]
        """.formatted(missing));

    CliRun run = CliRun.of("sweep", conf.toString());

    assertEquals(Relief.EXIT_PARTIAL, run.exit(), run.toString());
    assertEquals("sweep paired: 0/3 trials done, 3 failed", run.lastLine());
    Map<String, JsonNode> byPruner = new java.util.TreeMap<>();
    for (JsonNode t : new ObjectMapper().readTree(out.resolve("sweep.json").toFile()).path("trials")) {
      byPruner.put(t.path("params").path("prune.pruner").asText(), t);
    }
    String nnrelief = byPruner.get("nnrelief").path("id").asText();
    assertTrue(byPruner.get("nnrelief").path("error").asText().contains("no-data-here"), byPruner.toString());
    assertTrue(byPruner.get("magnitude-global").path("error").asText().contains("NNrelief trial " + nnrelief), byPruner.toString());
    assertEquals(0, byPruner.get("magnitude-global").path("attempts").asInt(), "never started");
    assertTrue(byPruner.get("random").path("error").asText().contains("add its NNrelief trial"), byPruner.toString());
  }

  @Test
  void aDryRunPrintsTheTrialsAndWritesNothing() throws IOException {
    Path out = tmp.resolve("dry");
    CliRun run = CliRun.of("sweep", write("dry.conf", base(out, "dry") + GRID).toString(), "--dry-run");
    assertEquals(0, run.exit(), run.toString());
    assertEquals(1 + 8 + 2, run.outLines().size(), run.out());
    assertTrue(run.outLines().get(0).startsWith("trial\tstate\tnetwork.architecture"), run.out());
    assertFalse(Files.exists(out));
  }

  /** Trial JVMs still running that were forked by {@code parent}. */
  private static long trialJvmsOf(long parent) {
    return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
        .map(args -> java.util.Arrays.asList(args).contains("-Drelief.parent-pid=" + parent)).orElse(false)).count();
  }

  private static int doneTrials(Path out) {
    try (Stream<Path> s = Files.list(out.resolve("trials"))) {
      return (int) s.filter(d -> Files.exists(d.resolve("_SUCCESS"))).count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static List<String> finishedTrialDirs(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out.resolve("trials"))) {
      return s.filter(d -> Files.exists(d.resolve("_SUCCESS"))).map(d -> d.getFileName().toString()).toList();
    }
  }

  private static Map<String, String> checksums(Path out, List<String> trials) throws Exception {
    Map<String, String> sums = new TreeMap<>();
    for (String t : trials) {
      try (Stream<Path> files = Files.walk(out.resolve("trials").resolve(t))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          sums.put("trials/" + t + "/" + out.resolve("trials").resolve(t).relativize(f),
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        }
      }
    }
    return sums;
  }

  private static JsonNode failedTrial(Path out) throws IOException {
    for (JsonNode t : new ObjectMapper().readTree(out.resolve("sweep.json").toFile()).path("trials")) {
      if (t.path("state").asText().equals("failed")) {
        return t;
      }
    }
    throw new AssertionError("no failed trial in sweep.json");
  }
}

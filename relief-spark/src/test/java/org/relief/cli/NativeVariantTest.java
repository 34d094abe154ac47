package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.prune.MaskFile;

/**
 * The default natives (oneDNN build, DL4J's oneDNN helpers on) and the plain natives (DL4J's own
 * kernels, helpers off) train LeNet-5 to the same masks and, within noise, the same accuracy:
 * the fast configuration changes speed, not results. Each run is its own JVM, since a JVM loads
 * one native library.
 */
class NativeVariantTest {
  static final String DATA = System.getProperty("relief.fashion-mnist.dir", "/usr/share/datasets/fashion-mnist");
  static final Path PLAIN_NATIVES = Path.of("target/natives-variants/nd4j-native-1.0.0-M2-linux-x86_64.jar");

  @TempDir Path dir;

  @Test
  void defaultAndPlainNativesGiveTheSameMasks() throws Exception {
    assumeTrue(Files.isDirectory(Path.of(DATA)), "Fashion-MNIST is absent at " + DATA
        + ": apt-get install -y dataset-fashion-mnist");
    assertTrue(Files.isRegularFile(PLAIN_NATIVES), PLAIN_NATIVES + " (copied by maven-dependency-plugin)");
    String classpath = System.getProperty("java.class.path");
    List<String> entries = Arrays.asList(classpath.split(File.pathSeparator));
    String fastNatives = entries.stream().filter(e -> e.matches(".*nd4j-native-[^/]*-linux-x86_64-onednn[^/]*\\.jar"))
        .findFirst().orElseThrow(() -> new AssertionError("no oneDNN natives on the test classpath: " + classpath));
    String plainClasspath = entries.stream().map(e -> e.equals(fastNatives) ? PLAIN_NATIVES.toAbsolutePath().toString() : e)
        .collect(Collectors.joining(File.pathSeparator));

    Path fast = run("fast", classpath, List.of());
    Path plain = run("plain", plainClasspath, List.of("-Dorg.eclipse.deeplearning4j.helpers.disable=true"));

    assertTrue(Files.readString(dir.resolve("fast.log")).contains("helpers=MKLDNN"), "oneDNN helpers in use by default");
    assertTrue(Files.readString(dir.resolve("plain.log")).contains("helpers=none"), "no helpers on the plain natives");
    for (String it : List.of("iter-001", "iter-002")) {
      assertEquals(MaskFile.read(fast.resolve(it + "/masks.bin").toString()),
          MaskFile.read(plain.resolve(it + "/masks.bin").toString()), it);
    }
    List<Double> fastAcc = column(fast, "acc_retrained");
    List<Double> plainAcc = column(plain, "acc_retrained");
    for (int k = 0; k < fastAcc.size(); k++) {
      assertEquals(plainAcc.get(k), fastAcc.get(k), 0.02, "accuracy of iteration " + k + ": " + fastAcc + " vs " + plainAcc);
    }
  }

  private Path run(String name, String classpath, List<String> jvmOptions) throws IOException, InterruptedException {
    Path output = dir.resolve(name);
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(conf, """
        relief {
          experiment { name = "natives", output = "%s", seed = 5 }
          network.architecture = "lenet5"
          dataset { name = "fashion-mnist", path = "%s", train-subset = 2000, test-subset = 1000 }
          prune { iterations = 2, alpha-conv = 0.9, alpha-fc = 0.95, conv-score = "sum", pruning-set-size = 300, batch-size = 300 }
          train {
            pretrain-epochs = 1, retrain-epochs = 1, batch-size = 100, validation-size = 500
            pretrain-milestones = [], retrain-milestones = []
          }
        }
        """.formatted(output, DATA));
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx2g",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, "org.relief.cli.Relief", "run", conf.toString()));
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, name + ":\n" + Files.readString(log));
    return output;
  }

  private static List<Double> column(Path run, String name) throws IOException {
    List<String> lines = Files.readAllLines(run.resolve("iterations.csv"));
    int index = Arrays.asList(lines.get(0).split(",")).indexOf(name);
    return lines.subList(1, lines.size()).stream().map(l -> Double.parseDouble(l.split(",")[index])).toList();
  }
}

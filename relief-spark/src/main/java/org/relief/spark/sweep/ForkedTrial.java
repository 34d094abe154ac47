package org.relief.spark.sweep;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.relief.model.io.HadoopFiles;
import org.relief.model.net.NativeEnvironment;

/**
 * Runs one trial as {@code relief run} in a child JVM of the Spark task: the trial gets its own
 * ND4J (concurrent trials in one JVM contend inside libnd4j's native code), its own heap, and a
 * native crash ends only the trial. The child runs with {@code OMP_NUM_THREADS} = the task's
 * cores, exits by itself if this JVM dies ({@code relief.parent-pid}), and its log is copied to
 * {@code <sweep>/logs/<id>.log}.
 */
final class ForkedTrial {
  /** What submit/common.sh gives every Relief JVM: Java 17 opens and the Vector API (NormKernel). */
  private static final List<String> JVM_FLAGS = List.of(
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-modules=jdk.incubator.vector");

  private ForkedTrial() {}

  /** Runs the trial to completion; the outcome is the child's exit status and last error line. */
  static TrialOutcome run(Trial trial, String heap, int threads, String sweepOutput) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Path work = Files.createTempDirectory("relief-trial-" + trial.id());
    try {
      Path conf = work.resolve("trial.conf");
      Files.writeString(conf, trial.config());
      Path log = work.resolve("trial.log");
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.add("-Xmx" + heap);
      // C1 only: a trial's JVM is short-lived and its time is in native ND4J; measured: a
      // LeNet-300-100 epoch 3.7 s vs 5.0 s with C2 competing for the cores (BENCHMARKS.md)
      command.add("-XX:TieredStopAtLevel=1");
      command.addAll(JVM_FLAGS);
      command.add("-Drelief.parent-pid=" + ProcessHandle.current().pid());
      // the trial is already inside a Spark task: everything in the child stays in the child
      command.addAll(List.of("-cp", classpath(), "org.relief.cli.Relief", "run", conf.toString(),
          "--set", "spark.statistics=local", "--set", "spark.training=local"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
      NativeEnvironment.defaults().forEach(builder.environment()::putIfAbsent);
      Process child = builder.start();
      int exit;
      try {
        exit = child.waitFor();
      } catch (InterruptedException e) { // the task was cancelled: the trial goes with it
        child.destroyForcibly();
        throw e;
      }
      copyLog(log, sweepOutput, trial.id());
      double seconds = (System.nanoTime() - t0) / 1e9;
      return exit == 0 ? TrialOutcome.done(trial.id(), seconds) : TrialOutcome.failed(trial.id(), lastError(log, exit), seconds);
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** This JVM's classpath plus the jar (or directory) Relief's classes came from (an executor's fetched application jar). */
  static String classpath() {
    try {
      String own = new File(ForkedTrial.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
      return own + File.pathSeparator + System.getProperty("java.class.path");
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate Relief's classes", e);
    }
  }

  /** The child's one-line error ("relief: …"), else the tail of its log. */
  private static String lastError(Path log, int exit) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("relief: ")) {
        return lines.get(i).substring("relief: ".length());
      }
    }
    String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    return "trial JVM exited with " + exit + (tail.isBlank() ? "" : ": " + tail);
  }

  private static void copyLog(Path log, String sweepOutput, String id) {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(HadoopFiles.path(sweepOutput), "logs/" + id + ".log");
    try {
      FileSystem fs = HadoopFiles.fileSystem(target);
      fs.mkdirs(target.getParent());
      byte[] bytes = Files.readAllBytes(log);
      HadoopFiles.writeAtomically(target, out -> out.write(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("copying the trial log to " + target, e);
    }
  }
}

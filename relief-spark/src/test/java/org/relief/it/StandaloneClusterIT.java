package org.relief.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same jar on a real Spark standalone cluster: {@code submit/standalone-cluster start}
 * (a master and a 2-core worker on 127.0.0.1), {@code relief run} through
 * {@code submit/relief-submit --master spark://127.0.0.1:7077} with statistics on executors
 * and retraining in {@code spark} mode, then {@code stop}, and no process left behind.
 */
class StandaloneClusterIT {
  static final Path ROOT = Paths.get(System.getProperty("relief.root", "..")).toAbsolutePath().normalize();
  static final String DATA = System.getProperty("relief.fashion-mnist.dir", "/usr/share/datasets/fashion-mnist");
  @TempDir Path tmp;

  record Result(int exit, String out, String err) {}

  Result sh(Path clusterDir, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
    pb.environment().put("RELIEF_CLUSTER_DIR", clusterDir.toString());
    pb.environment().put("RELIEF_DRIVER_MEMORY", "3g");
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "timed out: " + Arrays.toString(command));
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void reliefRunOnAStandaloneClusterTrainsOnExecutorsAndLeavesNoProcessBehind() throws Exception {
    assumeTrue(Files.isDirectory(Paths.get(DATA)), "Fashion-MNIST is absent at " + DATA);
    Path cluster = tmp.resolve("cluster");
    Path output = tmp.resolve("run");
    Path conf = tmp.resolve("cluster.conf");
    Files.writeString(conf, """
        relief {
          experiment { name = "cluster-it", output = "%s", seed = 2 }
          dataset { path = "%s", train-subset = 3000, test-subset = 1000 }
          prune { iterations = 1, pruning-set-size = 300, batch-size = 100 }
          train {
            pretrain-epochs = 1, retrain-epochs = 1, batch-size = 100, validation-size = 500
            pretrain-milestones = [], retrain-milestones = []
          }
          spark { statistics = "spark", training = "spark", partitions = 2 }
        }
        """.formatted(output, DATA));

    Result start = sh(cluster, "submit/standalone-cluster", "start", "--workers", "1", "--cores", "2", "--memory", "3g");
    List<String> pids = new ArrayList<>();
    try {
      assertEquals(0, start.exit(), start.err());
      assertEquals("spark://127.0.0.1:7077", start.out().strip());
      for (Path pid : Files.newDirectoryStream(cluster, "*.pid")) {
        pids.add(Files.readString(pid).strip());
      }
      assertEquals(2, pids.size(), "a master and a worker");

      Result run = sh(cluster, "submit/relief-submit", "--master", "spark://127.0.0.1:7077", "--executor-memory", "2g",
          "run", conf.toString());

      assertEquals(0, run.exit(), run.err());
      List<String> lines = run.out().strip().lines().toList();
      assertEquals("file:" + output, lines.get(lines.size() - 1));
      assertTrue(Files.exists(output.resolve("_SUCCESS")));
      assertTrue(Files.exists(output.resolve("pruning-set.idx")), "executors read the pruning set from the run");
      List<String> table = Files.readAllLines(output.resolve("iterations.csv"), StandardCharsets.UTF_8);
      assertEquals(3, table.size());
      assertTrue(table.get(2).endsWith(",spark"), "retrained with parameter averaging: " + table.get(2));
      assertTrue(run.err().contains("iter 1/1 done"), run.err());
    } finally {
      Result stop = sh(cluster, "submit/standalone-cluster", "stop");
      assertEquals(0, stop.exit(), stop.err());
    }
    for (String pid : pids) {
      assertFalse(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false),
          "process " + pid + " still running after stop");
    }
    Result ps = sh(cluster, "bash", "-c", "ps -eo args | grep -E 'deploy.master.Master|deploy.worker.Worker|CoarseGrainedExecutorBackend' | grep -v grep | wc -l");
    assertEquals("0", ps.out().strip(), "no Spark daemon or executor is left");
  }
}

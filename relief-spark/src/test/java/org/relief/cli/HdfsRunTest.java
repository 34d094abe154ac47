package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.io.HadoopFiles;

/**
 * Every path a Hadoop URI, against a real in-process HDFS: the dataset is read from
 * {@code hdfs://}, the pruning set that executors read and all results are written there.
 */
class HdfsRunTest {
  static final String DATA = System.getProperty("relief.fashion-mnist.dir", "/usr/share/datasets/fashion-mnist");
  static MiniDFSCluster cluster;
  static String hdfs;
  @TempDir static Path tmp;

  @BeforeAll
  static void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, Paths.get("target", "minidfs-" + System.nanoTime()).toAbsolutePath().toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem().getUri().toString();
  }

  @AfterAll
  static void stopHdfs() {
    HadoopFiles.useConf(new Configuration());
    if (cluster != null) {
      cluster.shutdown(true);
    }
  }

  /** HDFS refuses to rename onto an existing file; the replace must still happen, atomically. */
  @Test
  void aFileIsReplacedAtomicallyOnHdfs() throws IOException {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(hdfs + "/atomic/sweep.json");
    for (String content : new String[] {"old", "new"}) {
      org.relief.model.io.HadoopFiles.writeAtomically(target,
          out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    FileSystem fs = cluster.getFileSystem();
    try (java.io.InputStream in = fs.open(target)) {
      assertEquals("new", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(1, fs.listStatus(target.getParent()).length, "no temporary file left");
  }

  @Test
  void aRunReadsAndWritesHdfs() throws IOException {
    assumeTrue(Files.isDirectory(Paths.get(DATA)), "Fashion-MNIST is absent at " + DATA);
    FileSystem fs = cluster.getFileSystem();
    for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz"}) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(DATA, f), new org.apache.hadoop.fs.Path("/data/fashion/" + f));
    }
    Path conf = tmp.resolve("hdfs.conf");
    Files.writeString(conf, """
        relief {
          experiment { name = "hdfs", output = "%1$s/runs/hdfs", seed = 4 }
          dataset { path = "%1$s/data/fashion", train-subset = 2000, test-subset = 500 }
          prune { iterations = 1, pruning-set-size = 200, batch-size = 100 }
          train {
            pretrain-epochs = 1, retrain-epochs = 1, batch-size = 100, validation-size = 400
            pretrain-milestones = [], retrain-milestones = []
          }
          spark { master = "local[2]", statistics = "spark", partitions = 2 }
        }
        """.formatted(hdfs));

    CliRun run = CliRun.of("run", conf.toString());

    assertEquals(0, run.exit(), run.toString());
    assertEquals(hdfs + "/runs/hdfs", run.lastLine());
    for (String f : new String[] {"_SUCCESS", "config.conf", "pruning-set.idx", "iter-001/masks.bin", "iter-001/model.zip"}) {
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/hdfs/" + f)), f + " on HDFS");
    }
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/runs/hdfs/iterations.csv"))) {
      assertEquals(3, new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().lines().count());
    }
  }

  @Test
  void aMissingHdfsPathIsNamed() throws IOException {
    Path conf = tmp.resolve("missing.conf");
    Files.writeString(conf, "relief { experiment.output = \"%1$s/runs/missing\", dataset.path = \"%1$s/no/such/dir\", spark.statistics = local }"
        .formatted(hdfs));
    CliRun run = CliRun.of("run", conf.toString());
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains(hdfs + "/no/such/dir"), run.err());
    assertFalse(cluster.getFileSystem().exists(new org.apache.hadoop.fs.Path("/runs/missing")), "nothing written");
  }
}
